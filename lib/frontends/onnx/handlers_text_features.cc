// handlers_text_features.cc - ONNX TfIdfVectorizer (ops/frontends/onnx_text_features.toml).
//
// The floats attribute `weights` cannot be an ODLA parameter, so it becomes a constant
// f32 operand of the IR op; integer pools only (pool_strings: exit 4).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_text_tfidf(NodeContext& ctx) {
  ir::Value* x = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 (X) is missing");
  if (ctx.attrs.has("pool_strings"))
    return ctx.error(ErrorKind::Unsupported, "pool_strings is not supported (string tensors)");
  if (!ctx.attrs.has("pool_int64s")) return ctx.error(ErrorKind::Parse, "pool_int64s is missing");
  std::vector<ir::Value*> operands{x};
  if (ctx.attrs.has("weights")) {
    std::vector<double> w = ctx.attrs.get_floats("weights");
    ctx.attrs.erase("weights");
    std::vector<float> values(w.begin(), w.end());
    auto bytes = std::make_shared<std::vector<uint8_t>>(values.size() * sizeof(float));
    if (!values.empty()) std::memcpy(bytes->data(), values.data(), bytes->size());
    ir::TensorType type{ir::DType::f32, {static_cast<int64_t>(values.size())}};
    operands.push_back(ctx.f.add_constant(ctx.f.unique_name(ctx.name + ".weights"), type, bytes));
  }
  auto v = ctx.emit(ctx.op, operands, ctx.attrs, ctx.node.output(0));
  if (!v) return v.status();
  return std::vector<ir::Value*>{*v};
}

}  // namespace halo::onnx_import
