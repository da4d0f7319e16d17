// handlers_loss.cc - ONNX NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
// Named in ops/frontends/onnx_loss.toml.
//
// ONNX's ignore_index is optional and has no default (absent: no element is ignored),
// while an IR attribute always has a value; the handler records its presence in
// has_ignore_index. SoftmaxCrossEntropyLoss's optional log_prob output is
// log_softmax(scores) over the class axis 1, which is exactly IR LogSoftmax with axis 1:
// when a model uses it, the handler adds that instruction next to the loss (so the loss
// op keeps a single result and no new op is needed).
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_loss(NodeContext& ctx) {
  bool given = ctx.attrs.has("ignore_index");
  ctx.attrs.set("has_ignore_index", static_cast<int64_t>(given ? 1 : 0));
  if (!given) ctx.attrs.set("ignore_index", static_cast<int64_t>(0));
  ir::Value* scores = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  auto outs = emit_default(ctx);
  if (!outs || ctx.op != ir::OpKind::SoftmaxCrossEntropyLoss || !ctx.output_used(1)) return outs;
  ir::AttrMap axis;
  axis.set("axis", static_cast<int64_t>(1));
  auto log_prob = ctx.emit(ir::OpKind::LogSoftmax, {scores}, axis, ctx.node.output(1));
  if (!log_prob) return log_prob.status();
  outs->push_back(*log_prob);
  return outs;
}

}  // namespace halo::onnx_import
