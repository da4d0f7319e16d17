// handlers_nn_norm.cc - ONNX normalizations whose form differs from the IR's.
// Each handler is named in ops/frontends/onnx_nn_norm.toml.
//
// - LayerNormalization: a node whose optional Mean or InvStdDev output is used becomes
//   LayerNormalizationWithStats (three results), otherwise plain LayerNormalization (see
//   ops/nn_norm.toml for why these are two ops). ONNX gives the statistics the type
//   named by stash_type (default 1, float); the IR op returns them in X's type, so they
//   are followed by a Cast when the two differ.
// - GroupNormalization: opset 18 gives scale and bias per group ([num_groups]); opset 21
//   (the IR) per channel ([C]). The old form repeats each group's value over its
//   C / num_groups channels: Reshape [G, 1] -> Expand [G, C/G] -> Reshape [C].
#include "onnx_context.h"
#include "tensor_proto.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_layer_norm(NodeContext& ctx) {
  if (!ctx.output_used(1) && !ctx.output_used(2)) return emit_default(ctx);
  if (ctx.inputs.empty() || !ctx.inputs[0]) return ctx.error(ErrorKind::Parse, "LayerNormalization needs X");
  int64_t stash_type = 1;  // stash_type is ignored by the generic mapping: read it here
  for (const auto& a : ctx.node.attribute())
    if (a.name() == "stash_type") stash_type = a.i();
  auto stash = dtype_from_onnx(static_cast<int32_t>(stash_type));
  // ONNX allows float and bfloat16 statistics; the other float types cost nothing extra.
  bool is_float = stash && (*stash == ir::DType::f32 || *stash == ir::DType::f64 || *stash == ir::DType::f16 ||
                            *stash == ir::DType::bf16);
  if (!is_float)
    return ctx.error(ErrorKind::Unsupported,
                     "stash_type " + std::to_string(stash_type) + " is not a floating-point type");
  while (!ctx.inputs.empty() && !ctx.inputs.back()) ctx.inputs.pop_back();
  auto outs = ctx.emit_results(ir::OpKind::LayerNormalizationWithStats, ctx.inputs, ctx.attrs);
  if (!outs) return outs.status();
  if (*stash == ctx.inputs[0]->type().dtype) return outs;
  for (size_t k = 1; k < 3; ++k) {
    ir::Value* stat = (*outs)[k];
    const std::string onnx_name = stat->name();
    // The statistic in X's type steps aside so the Cast can carry the ONNX output name.
    stat->set_name("");
    stat->set_name(ctx.f.unique_name(onnx_name + ".unstashed"));
    ir::AttrMap cast;
    cast.set("dtype", std::string(sem::dtype_name(*stash)));
    auto v = ctx.emit(ir::OpKind::Cast, {stat}, cast, onnx_name);
    if (!v) return v.status();
    (*outs)[k] = *v;
  }
  return outs;
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
