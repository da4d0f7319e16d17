// handlers_quant.cc - ONNX ConvInteger and QLinearConv: auto_pad becomes explicit pads.
// Named in ops/frontends/onnx_quant.toml. The weights are operand 1 of ConvInteger and
// operand 3 of QLinearConv; kernel_shape is ignored (it is W's spatial extent).
#include <algorithm>

#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_quant_conv(NodeContext& ctx) {
  std::string mode = ctx.attrs.get_string("auto_pad", "NOTSET");
  ctx.attrs.erase("auto_pad");
  if (mode == "NOTSET" || mode.empty()) return emit_default(ctx);
  size_t w_index = ctx.op == ir::OpKind::QLinearConv ? 3 : 1;
  ir::Value* x = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  ir::Value* w = w_index < ctx.inputs.size() ? ctx.inputs[w_index] : nullptr;
  if (!x || x->type().rank() < 3) return ctx.error(ErrorKind::Parse, "auto_pad needs an input of rank 3 or more");
  if (!w || w->type().rank() != x->type().rank())
    return ctx.error(ErrorKind::Parse, "weights must have the input's rank");
  size_t spatial = x->type().rank() - 2;
  std::vector<int64_t> strides = ctx.attrs.get_ints("strides", std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> dil = ctx.attrs.get_ints("dilations", std::vector<int64_t>(spatial, 1));
  if (strides.empty()) strides.assign(spatial, 1);
  if (dil.empty()) dil.assign(spatial, 1);
  if (strides.size() != spatial || dil.size() != spatial)
    return ctx.error(ErrorKind::Parse, "strides and dilations must have one entry per spatial dimension");
  std::vector<int64_t> pads(2 * spatial, 0);
  if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
    for (size_t i = 0; i < spatial; ++i) {
      int64_t in = x->type().dims[2 + i], k = w->type().dims[2 + i];
      if (in < 0 || k < 0) return ctx.error(ErrorKind::Unsupported, "auto_pad needs known spatial extents");
      if (strides[i] <= 0) return ctx.error(ErrorKind::Parse, "strides must be positive");
      int64_t out = (in + strides[i] - 1) / strides[i];
      int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + (k - 1) * dil[i] + 1 - in);
      int64_t small = total / 2, big = total - small;
      pads[i] = mode == "SAME_UPPER" ? small : big;
      pads[i + spatial] = mode == "SAME_UPPER" ? big : small;
    }
  } else if (mode != "VALID") {
    return ctx.error(ErrorKind::Parse, "unknown auto_pad '" + mode + "'");
  }
  ctx.attrs.set("pads", pads);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
