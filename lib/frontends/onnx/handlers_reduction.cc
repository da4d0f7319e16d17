// handlers_reduction.cc - ONNX reductions, CumSum, LogSoftmax and Hardmax across opsets.
// Each handler is named in ops/frontends/onnx_reduction.toml.
//
// - Reduce*: `axes` is an attribute up to opset 12 (ReduceSum) / 17 (the others) and an
//   optional input from opset 13 / 18 on; the IR always has the attribute, so the input
//   (which must be a constant) becomes it. An absent or empty axes input reduces every
//   axis unless noop_with_empty_axes is set; that is the IR's meaning too.
// - CumSum: the axis is a (constant) scalar input; the IR has it as an attribute.
// - LogSoftmax, Hardmax: before opset 13 the input is coerced to 2-D at `axis` (default 1)
//   and the op works on the flattened tail; from 13 on it works along one axis (default
//   -1). The old form becomes Reshape [outer, inner] -> op along axis 1 -> Reshape back.
#include "onnx_context.h"

namespace halo::onnx_import {

namespace {

// The value of input `i`, which determines an attribute, as int64s; exit 4 (naming the
// input) when it is not a constant.
Expected<std::vector<int64_t>> constant_input(NodeContext& ctx, size_t i, const char* what) {
  ir::Value* v = i < ctx.inputs.size() ? ctx.inputs[i] : nullptr;
  if (!v || !v->is_constant())
    return ctx.error(ErrorKind::Unsupported, "input " + std::to_string(i) + " (" + what + ") must be a constant");
  return ctx.constant_ints(i);
}

// The opset-13 form of an op that the older opsets define on the input coerced to 2-D.
Expected<std::vector<ir::Value*>> coerced_to_2d(NodeContext& ctx) {
  if (ctx.opset >= 13) return emit_default(ctx);
  ir::Value* x = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 is missing");
  int64_t rank = static_cast<int64_t>(x->type().rank());
  int64_t axis = ctx.attrs.has("axis") ? ctx.attrs.get_int("axis") : 1;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank)
    return ctx.error(ErrorKind::Parse, "axis " + std::to_string(ctx.attrs.get_int("axis", 1)) +
                                           " is out of range for rank " + std::to_string(rank));
  // Coercing at the last axis (or a scalar) changes nothing: one axis, the last.
  if (rank == 0 || axis == rank - 1) {
    ctx.attrs.set("axis", int64_t{-1});
    return emit_default(ctx);
  }
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= x->type().dims[d];
  const std::string& out = ctx.node.output(0);
  const char* suffix = ctx.op == ir::OpKind::Hardmax ? ".hardmax" : ".logsoftmax";
  ir::AttrMap to_2d;
  to_2d.set("shape", std::vector<int64_t>{outer, inner});
  auto flat = ctx.emit(ir::OpKind::Reshape, {x}, to_2d, ctx.f.unique_name(out + ".2d"));
  if (!flat) return flat.status();
  ir::AttrMap along;
  along.set("axis", int64_t{1});
  auto y = ctx.emit(ctx.op, {*flat}, along, ctx.f.unique_name(out + suffix));
  if (!y) return y.status();
  ir::AttrMap back;
  back.set("shape", x->type().dims);
  auto result = ctx.emit(ir::OpKind::Reshape, {*y}, back, out);
  if (!result) return result.status();
  return std::vector<ir::Value*>{*result};
}

}  // namespace

Expected<std::vector<ir::Value*>> handle_reduction_axes(NodeContext& ctx) {
  int64_t axes_input_from = ctx.node.op_type() == "ReduceSum" ? 13 : 18;
  if (ctx.opset >= axes_input_from) {
    if (ctx.inputs.size() > 1 && ctx.inputs[1]) {
      auto axes = constant_input(ctx, 1, "axes");
      if (!axes) return axes.status();
      ctx.attrs.set("axes", *axes);
    }
    if (ctx.inputs.size() > 1) ctx.inputs.erase(ctx.inputs.begin() + 1, ctx.inputs.end());
  }
  return emit_default(ctx);
}

Expected<std::vector<ir::Value*>> handle_cumsum(NodeContext& ctx) {
  if (ctx.inputs.size() < 2 || !ctx.inputs[1]) return ctx.error(ErrorKind::Parse, "input 1 (axis) is missing");
  auto axis = constant_input(ctx, 1, "axis");
  if (!axis) return axis.status();
  if (axis->size() != 1)
    return ctx.error(ErrorKind::Parse, "input 1 (axis) must hold one value, got " + std::to_string(axis->size()));
  ctx.attrs.set("axis", axis->front());
  ctx.inputs.erase(ctx.inputs.begin() + 1, ctx.inputs.end());
  return emit_default(ctx);
}

Expected<std::vector<ir::Value*>> handle_log_softmax(NodeContext& ctx) { return coerced_to_2d(ctx); }

Expected<std::vector<ir::Value*>> handle_hardmax(NodeContext& ctx) { return coerced_to_2d(ctx); }

}  // namespace halo::onnx_import
