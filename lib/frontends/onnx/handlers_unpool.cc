// handlers_unpool.cc - ONNX MaxUnpool (ops/frontends/onnx_unpool.toml). Opsets 9 and 11
// have the same form; the optional output_shape input fixes the result's shape, so it
// must be a constant and becomes the IR attribute output_shape.
#include <string>
#include <vector>

#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_max_unpool(NodeContext& ctx) {
  ir::Value* shape = ctx.inputs.size() > 2 ? ctx.inputs[2] : nullptr;
  if (shape) {
    if (!shape->is_constant()) return ctx.error(ErrorKind::Unsupported, "input 2 (output_shape) must be a constant");
    auto values = ctx.constant_ints(2);
    if (!values) return values.status();
    ctx.attrs.set("output_shape", *values);
  }
  if (ctx.inputs.size() > 2) ctx.inputs.resize(2);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
