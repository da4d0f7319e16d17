// handlers_sampling.cc - ONNX sampling operators (ops/frontends/onnx_sampling.toml).
#include <string>
#include <vector>

#include "onnx_context.h"

namespace halo::onnx_import {

// GridSample: opset 16 named the modes bilinear and bicubic and allowed only 4-D
// inputs; opset 20 renamed them linear and cubic and allowed any rank. The IR op uses
// the new names.
Expected<std::vector<ir::Value*>> handle_grid_sample(NodeContext& ctx) {
  std::string mode = ctx.attrs.get_string("mode", "linear");
  if (mode == "bilinear") mode = "linear";
  else if (mode == "bicubic") mode = "cubic";
  ctx.attrs.set("mode", mode);
  return emit_default(ctx);
}

// RoiAlign: opsets 10-15 had no coordinate_transformation_mode and behaved as
// output_half_pixel (no half-pixel shift, regions at least 1x1); 16 added the attribute
// with default half_pixel, the IR op's default.
Expected<std::vector<ir::Value*>> handle_roi_align(NodeContext& ctx) {
  if (ctx.opset < 16) ctx.attrs.set("coordinate_transformation_mode", std::string("output_half_pixel"));
  return emit_default(ctx);
}

// AffineGrid: the size input is the shape of the image the grid is for; it fixes the
// result's shape, so it must be a constant and becomes the attribute `size`.
Expected<std::vector<ir::Value*>> handle_affine_grid(NodeContext& ctx) {
  ir::Value* size = ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr;
  if (!size) return ctx.error(ErrorKind::Parse, "input 1 (size) is missing");
  if (!size->is_constant()) return ctx.error(ErrorKind::Unsupported, "input 1 (size) must be a constant");
  auto values = ctx.constant_ints(1);
  if (!values) return values.status();
  ctx.attrs.set("size", *values);
  ctx.inputs.resize(1);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
