// handlers_conv_transpose.cc - ONNX ConvTranspose: output_shape and auto_pad become the
// explicit pads the IR op takes.
//
// ONNX: total_padding = stride * (in - 1) + output_padding + (k - 1) * dilation + 1 -
// output_shape; SAME_UPPER puts the odd unit at the end, NOTSET/SAME_LOWER at the start.
// With auto_pad SAME_* and no output_shape, output_shape = in * stride.
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_conv_transpose(NodeContext& ctx) {
  std::string mode = ctx.attrs.get_string("auto_pad", "NOTSET");
  ctx.attrs.erase("auto_pad");
  std::vector<int64_t> output_shape = ctx.attrs.get_ints("output_shape");
  ctx.attrs.erase("output_shape");
  bool same = mode == "SAME_UPPER" || mode == "SAME_LOWER";
  if (mode != "NOTSET" && mode != "VALID" && !same) return ctx.error(ErrorKind::Parse, "unknown auto_pad '" + mode + "'");
  ir::Value* x = ctx.inputs.size() > 0 ? ctx.inputs[0] : nullptr;
  ir::Value* w = ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr;
  if (!x || !w || x->type().rank() < 3 || w->type().rank() != x->type().rank())
    return ctx.error(ErrorKind::Parse, "X and W must have the same rank, at least 3");
  size_t spatial = x->type().rank() - 2;
  if (mode == "VALID") ctx.attrs.set("pads", std::vector<int64_t>(2 * spatial, 0));
  if (output_shape.empty() && same)
    for (size_t d = 0; d < spatial; ++d) {
      auto strides = ctx.attrs.get_ints("strides", std::vector<int64_t>(spatial, 1));
      output_shape.push_back(x->type().dims[2 + d] * (d < strides.size() ? strides[d] : 1));
    }
  if (!output_shape.empty()) {
    if (output_shape.size() > spatial) output_shape.erase(output_shape.begin(), output_shape.end() - static_cast<long>(spatial));
    auto strides = ctx.attrs.get_ints("strides", std::vector<int64_t>(spatial, 1));
    auto dil = ctx.attrs.get_ints("dilations", std::vector<int64_t>(spatial, 1));
    auto outpad = ctx.attrs.get_ints("output_padding", std::vector<int64_t>(spatial, 0));
    if (output_shape.size() != spatial || strides.size() != spatial || dil.size() != spatial || outpad.size() != spatial)
      return ctx.error(ErrorKind::Parse, "output_shape, strides, dilations and output_padding need one entry per spatial dimension");
    std::vector<int64_t> pads(2 * spatial, 0);
    for (size_t d = 0; d < spatial; ++d) {
      int64_t k = w->type().dims[2 + d];
      int64_t total = strides[d] * (x->type().dims[2 + d] - 1) + outpad[d] + (k - 1) * dil[d] + 1 - output_shape[d];
      // Floor division, as ONNX defines it: a negative total (an output_shape beyond the
      // full result) gives negative pads, i.e. extra output positions at the end.
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      bool upper = mode == "SAME_UPPER";
      pads[d] = upper ? half : total - half;
      pads[d + spatial] = total - pads[d];
    }
    ctx.attrs.set("pads", pads);
  }
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
