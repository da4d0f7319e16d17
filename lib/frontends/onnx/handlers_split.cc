// handlers_split.cc - ONNX Split across opsets onto IR Split (opset 18 semantics).
//
// The extents of the pieces are an attribute `split` before opset 13 and an optional
// int64 input from 13 on (a constant here: it decides the result shapes). Opset 18 adds
// num_outputs (pieces of ceil(extent / n), a smaller last one). With neither, ONNX splits
// into equal pieces, one per node output: the handler passes that count as num_outputs,
// after checking that the extent divides evenly (the older opsets have no uneven form).
#include <cstdint>

#include "onnx_context.h"

namespace halo::onnx_import {

namespace {

// Whether `split` is what num_outputs = split.size() gives: pieces of
// ceil(sum / count), the last one taking the rest.
bool equal_pieces(const std::vector<int64_t>& split) {
  int64_t sum = 0;
  for (int64_t e : split) {
    if (e < 0 || e > INT64_MAX - sum) return false;
    sum += e;
  }
  auto count = static_cast<int64_t>(split.size());
  int64_t chunk = sum / count + (sum % count != 0 ? 1 : 0);
  for (size_t i = 0; i + 1 < split.size(); ++i)
    if (split[i] != chunk) return false;
  return split.back() == sum - chunk * (count - 1);
}

}  // namespace

Expected<std::vector<ir::Value*>> handle_split(NodeContext& ctx) {
  auto outputs = static_cast<int64_t>(ctx.node.output_size());
  if (ctx.opset >= 13 && ctx.inputs.size() > 1 && ctx.inputs[1]) {
    if (!ctx.inputs[1]->is_constant()) return ctx.error(ErrorKind::Unsupported, "input 1 (split) must be a constant");
    auto split = ctx.constant_ints(1);
    if (!split) return split.status();
    ctx.attrs.set("split", *split);
  }
  ctx.inputs.resize(1);
  ir::Value* x = ctx.inputs[0];
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 is missing");
  std::vector<int64_t> split = ctx.attrs.get_ints("split");
  if (!split.empty()) {
    if (static_cast<int64_t>(split.size()) != outputs)
      return ctx.error(ErrorKind::Parse, "split has " + std::to_string(split.size()) + " entries but the node has " +
                                             std::to_string(outputs) + " outputs");
    // ODLA passes integer lists of at most 10 entries; more pieces of equal extent (the
    // last one possibly smaller) are the same split by count.
    if (split.size() > 10 && equal_pieces(split)) {
      ctx.attrs.set("split", std::vector<int64_t>{});
      ctx.attrs.set("num_outputs", outputs);
    }
  } else if (ctx.attrs.has("num_outputs")) {
    if (ctx.attrs.get_int("num_outputs") != outputs)
      return ctx.error(ErrorKind::Parse, "num_outputs is " + std::to_string(ctx.attrs.get_int("num_outputs")) +
                                             " but the node has " + std::to_string(outputs) + " outputs");
  } else {
    int64_t rank = static_cast<int64_t>(x->type().rank());
    int64_t axis = ctx.attrs.get_int("axis", 0);
    if (axis < -rank || axis >= rank) return ctx.error(ErrorKind::Parse, "axis " + std::to_string(axis) + " is out of range");
    int64_t n = x->type().dims[static_cast<size_t>(axis < 0 ? axis + rank : axis)];
    if (outputs < 1 || (n >= 0 && n % outputs != 0))
      return ctx.error(ErrorKind::Parse, "cannot split extent " + std::to_string(n) + " into " + std::to_string(outputs) +
                                             " equal pieces");
    ctx.attrs.set("num_outputs", outputs);
  }
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
