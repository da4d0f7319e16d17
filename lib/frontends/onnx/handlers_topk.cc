// handlers_topk.cc - ONNX TopK across opsets: k is an attribute in opset 1 and a
// one-element int64 input from opset 10 on (which must be a constant here: it decides
// the result shapes); largest and sorted exist from opset 11 (the IR defaults match the
// older behaviour: largest, sorted).
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_topk(NodeContext& ctx) {
  if (ctx.opset >= 10) {
    ir::Value* k = ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr;
    if (!k || !k->is_constant()) return ctx.error(ErrorKind::Unsupported, "input 1 (K) must be a constant");
    auto ks = ctx.constant_ints(1);
    if (!ks) return ks.status();
    if (ks->size() != 1) return ctx.error(ErrorKind::Parse, "input 1 (K) must hold one value, it has " + std::to_string(ks->size()));
    ctx.attrs.set("k", (*ks)[0]);
    ctx.inputs.resize(1);
  }
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
