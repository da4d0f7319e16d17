// handlers_loss.cc - ONNX NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
// Named in ops/frontends/onnx_loss.toml.
//
// ONNX's ignore_index is optional and has no default (absent: no element is ignored),
// while an IR attribute always has a value; the handler records its presence in
// has_ignore_index. Only output 0 (the loss) is produced: SoftmaxCrossEntropyLoss's
// optional log_prob output is reported by the importer when it is used.
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_loss(NodeContext& ctx) {
  bool given = ctx.attrs.has("ignore_index");
  ctx.attrs.set("has_ignore_index", static_cast<int64_t>(given ? 1 : 0));
  if (!given) ctx.attrs.set("ignore_index", static_cast<int64_t>(0));
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
