// handlers_nn_norm.cc - ONNX normalizations whose form differs from the IR's.
// Each handler is named in ops/frontends/onnx_nn_norm.toml.
//
// - LayerNormalization: only the output Y is supported; the optional Mean and InvStdDev
//   outputs (training statistics) are rejected (exit 4) when they are used.
// - GroupNormalization: opset 18 gives scale and bias per group ([num_groups]); opset 21
//   (the IR) per channel ([C]). The old form repeats each group's value over its
//   C / num_groups channels: Reshape [G, 1] -> Expand [G, C/G] -> Reshape [C].
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_layer_norm(NodeContext& ctx) {
  for (size_t k = 1; k < 3; ++k)
    if (ctx.output_used(k))
      return ctx.error(ErrorKind::Unsupported, std::string("output ") + std::to_string(k) +
                                                   (k == 1 ? " (Mean)" : " (InvStdDev)") + " is not supported");
  return emit_default(ctx);
}

Expected<std::vector<ir::Value*>> handle_group_norm(NodeContext& ctx) {
  if (ctx.opset >= 21) return emit_default(ctx);
  if (ctx.inputs.size() < 3 || !ctx.inputs[0] || !ctx.inputs[1] || !ctx.inputs[2])
    return ctx.error(ErrorKind::Parse, "GroupNormalization needs X, scale and bias");
  const auto& xd = ctx.inputs[0]->type().dims;
  if (xd.size() < 2 || xd[1] < 0) return ctx.error(ErrorKind::Unsupported, "X needs a known channel dimension");
  int64_t groups = ctx.attrs.get_int("num_groups", 0);
  if (groups < 1 || xd[1] % groups != 0)
    return ctx.error(ErrorKind::Parse, "num_groups " + std::to_string(groups) + " does not divide the " +
                                           std::to_string(xd[1]) + " channels of X");
  int64_t per_group = xd[1] / groups;
  if (per_group != 1) {
    for (size_t i = 1; i < 3; ++i) {
      ir::Value* v = ctx.inputs[i];
      if (v->type().dims != std::vector<int64_t>{groups})
        return ctx.error(ErrorKind::Parse, "input " + std::to_string(i) + " must have shape [" +
                                               std::to_string(groups) + "] (opset 18)");
      const std::string base = ctx.f.unique_name(ctx.node.output(0) + (i == 1 ? ".scale" : ".bias"));
      ir::AttrMap column;
      column.set("shape", std::vector<int64_t>{groups, 1});
      auto col = ctx.emit(ir::OpKind::Reshape, {v}, column, base + ".col");
      if (!col) return col.status();
      ir::AttrMap wide;
      wide.set("shape", std::vector<int64_t>{groups, per_group});
      auto rep = ctx.emit(ir::OpKind::Expand, {*col}, wide, base + ".rep");
      if (!rep) return rep.status();
      ir::AttrMap flat;
      flat.set("shape", std::vector<int64_t>{xd[1]});
      auto per_channel = ctx.emit(ir::OpKind::Reshape, {*rep}, flat, base + ".per_channel");
      if (!per_channel) return per_channel.status();
      ctx.inputs[i] = *per_channel;
    }
  }
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
