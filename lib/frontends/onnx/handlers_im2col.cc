// handlers_im2col.cc - ONNX Col2Im (ops/frontends/onnx_im2col.toml): the image_shape and
// block_shape inputs fix the result's shape, so they must be constants and become the
// IR attributes of the same names.
#include <string>
#include <vector>

#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_col2im(NodeContext& ctx) {
  const char* names[] = {"image_shape", "block_shape"};
  for (size_t i = 1; i <= 2; ++i) {
    ir::Value* v = i < ctx.inputs.size() ? ctx.inputs[i] : nullptr;
    std::string what = "input " + std::to_string(i) + " (" + names[i - 1] + ")";
    if (!v) return ctx.error(ErrorKind::Parse, what + " is missing");
    if (!v->is_constant()) return ctx.error(ErrorKind::Unsupported, what + " must be a constant");
    auto values = ctx.constant_ints(i);
    if (!values) return values.status();
    ctx.attrs.set(names[i - 1], *values);
  }
  ctx.inputs.resize(1);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
