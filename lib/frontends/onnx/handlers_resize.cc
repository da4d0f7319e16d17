// handlers_resize.cc - ONNX Resize and Upsample (ops/frontends/onnx_resize.toml).
//
// The IR Resize takes the full output shape as the ints attribute `sizes` and, per axis
// d < 6, the coordinate-transform scale as the float attribute scale<d> (0: sizes[d] /
// input extent) and the tf_crop_and_resize region as roi_start<d>/roi_end<d>. These
// handlers read ONNX's roi/scales/sizes inputs (constants, exit 4 otherwise), apply axes
// and keep_aspect_ratio_policy (opset 18) and compute the output shape as ONNX defines
// it (floor(scale * extent), or the rounded uniform scale for keep_aspect_ratio_policy).
// Resize-10 and Upsample (7-9) had no coordinate_transformation_mode: they are the
// asymmetric transform with nearest_mode floor.
#include <cmath>
#include <string>
#include <vector>

#include "onnx_context.h"

namespace halo::onnx_import {
namespace {

constexpr size_t kMaxResizeRank = 6;

ir::Value* given_input(const NodeContext& ctx, size_t i) {
  return i < ctx.inputs.size() ? ctx.inputs[i] : nullptr;
}

Status input_not_constant(const NodeContext& ctx, size_t i, const char* what) {
  return ctx.error(ErrorKind::Unsupported, "input " + std::to_string(i) + " (" + what + ") must be a constant");
}

// A constant float tensor input (f32 or f64) as doubles; `present` is false when the
// input is absent or empty (an empty tensor means "not given" in Resize).
Status constant_floats(const NodeContext& ctx, size_t i, const char* what, std::vector<double>& out,
                       bool& present) {
  out.clear();
  present = false;
  ir::Value* v = given_input(ctx, i);
  if (!v) return {};
  if (!v->is_constant()) {
    if (v->type().num_elements() == 0) return {};
    return input_not_constant(ctx, i, what);
  }
  int64_t n = v->type().num_elements();
  if (n == 0) return {};
  if (v->type().dtype == ir::DType::f32) {
    for (int64_t k = 0; k < n; ++k) out.push_back(static_cast<double>(v->data_as<float>()[k]));
  } else if (v->type().dtype == ir::DType::f64) {
    for (int64_t k = 0; k < n; ++k) out.push_back(v->data_as<double>()[k]);
  } else {
    return ctx.error(ErrorKind::Unsupported, "input " + std::to_string(i) + " (" + what + ") must be float32 or float64");
  }
  present = true;
  return {};
}

struct ResizeSpec {
  std::vector<int64_t> axes;      // resized axes, normalized
  std::vector<double> roi;        // 2 * axes.size() or empty
  std::vector<double> scales;     // axes.size() or empty
  std::vector<int64_t> sizes;     // axes.size() or empty
  std::string policy = "stretch";
};

// Fills ctx.attrs for the IR Resize from the spec and emits it.
Expected<std::vector<ir::Value*>> emit_resize(NodeContext& ctx, const ResizeSpec& spec) {
  ir::Value* x = given_input(ctx, 0);
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 (X) is missing");
  const std::vector<int64_t>& in = x->type().dims;
  size_t rank = in.size();
  if (rank > kMaxResizeRank)
    return ctx.error(ErrorKind::Unsupported, "rank " + std::to_string(rank) + " is above 6");
  for (int64_t d : in)
    if (d < 0) return ctx.error(ErrorKind::Unsupported, "input 0 (X) must have a static shape");
  size_t na = spec.axes.size();
  if (spec.scales.empty() == spec.sizes.empty())
    return ctx.error(ErrorKind::Parse, "exactly one of scales and sizes must be given");
  if (!spec.scales.empty() && spec.scales.size() != na)
    return ctx.error(ErrorKind::Parse, "scales has " + std::to_string(spec.scales.size()) + " entries, expected " +
                                           std::to_string(na));
  if (!spec.sizes.empty() && spec.sizes.size() != na)
    return ctx.error(ErrorKind::Parse, "sizes has " + std::to_string(spec.sizes.size()) + " entries, expected " +
                                           std::to_string(na));
  if (!spec.roi.empty() && spec.roi.size() != 2 * na)
    return ctx.error(ErrorKind::Parse, "roi has " + std::to_string(spec.roi.size()) + " entries, expected " +
                                           std::to_string(2 * na));
  std::vector<int64_t> out = in;
  std::vector<double> scale(rank, 0.0);  // 0: derived from the sizes
  if (!spec.scales.empty()) {
    for (size_t i = 0; i < na; ++i) {
      double s = spec.scales[i];
      auto a = static_cast<size_t>(spec.axes[i]);
      if (!(s > 0) || !std::isfinite(s)) return ctx.error(ErrorKind::Parse, "scales must be positive");
      double o = std::floor(s * static_cast<double>(in[a]));
      if (o > 1e15) return ctx.error(ErrorKind::Parse, "output extent too large");
      out[a] = static_cast<int64_t>(o);
      scale[a] = s;
    }
  } else {
    for (size_t i = 0; i < na; ++i) {
      if (spec.sizes[i] < 0) return ctx.error(ErrorKind::Parse, "sizes must not be negative");
      out[static_cast<size_t>(spec.axes[i])] = spec.sizes[i];
    }
    if (spec.policy != "stretch") {
      if (spec.policy != "not_larger" && spec.policy != "not_smaller")
        return ctx.error(ErrorKind::Unsupported, "keep_aspect_ratio_policy '" + spec.policy + "' is not supported");
      double s = 0;
      for (size_t i = 0; i < na; ++i) {
        auto a = static_cast<size_t>(spec.axes[i]);
        if (in[a] == 0) return ctx.error(ErrorKind::Parse, "cannot keep the aspect ratio of an empty dimension");
        double r = static_cast<double>(spec.sizes[i]) / static_cast<double>(in[a]);
        if (i == 0 || (spec.policy == "not_larger" ? r < s : r > s)) s = r;
      }
      for (int64_t a : spec.axes) {
        out[static_cast<size_t>(a)] = static_cast<int64_t>(s * static_cast<double>(in[static_cast<size_t>(a)]) + 0.5);
        scale[static_cast<size_t>(a)] = s;
      }
    }
  }
  ctx.attrs.set("sizes", out);
  for (size_t d = 0; d < rank; ++d) ctx.attrs.set("scale" + std::to_string(d), scale[d]);
  if (!spec.roi.empty()) {
    for (size_t i = 0; i < na; ++i) {
      ctx.attrs.set("roi_start" + std::to_string(spec.axes[i]), spec.roi[i]);
      ctx.attrs.set("roi_end" + std::to_string(spec.axes[i]), spec.roi[na + i]);
    }
  }
  auto v = ctx.emit(ir::OpKind::Resize, {x}, ctx.attrs, ctx.node.output(0));
  if (!v) return v.status();
  return std::vector<ir::Value*>{*v};
}

std::vector<int64_t> all_axes(size_t rank) {
  std::vector<int64_t> a;
  for (size_t d = 0; d < rank; ++d) a.push_back(static_cast<int64_t>(d));
  return a;
}

}  // namespace

// Resize: opset 10 (X, scales), 11+ (X, roi, scales, sizes), 18+ axes and
// keep_aspect_ratio_policy.
Expected<std::vector<ir::Value*>> handle_resize(NodeContext& ctx) {
  ir::Value* x = given_input(ctx, 0);
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 (X) is missing");
  auto rank = static_cast<int64_t>(x->type().dims.size());
  ResizeSpec spec;
  std::vector<int64_t> axes = ctx.attrs.get_ints("axes", {});
  ctx.attrs.erase("axes");
  spec.policy = ctx.attrs.get_string("keep_aspect_ratio_policy", "stretch");
  ctx.attrs.erase("keep_aspect_ratio_policy");
  if (axes.empty()) {
    spec.axes = all_axes(static_cast<size_t>(rank));
  } else {
    std::vector<bool> seen(static_cast<size_t>(rank), false);
    for (int64_t a : axes) {
      if (a < -rank || a >= rank) return ctx.error(ErrorKind::Parse, "axis " + std::to_string(a) + " is out of range");
      if (a < 0) a += rank;
      if (seen[static_cast<size_t>(a)]) return ctx.error(ErrorKind::Parse, "axis " + std::to_string(a) + " repeats");
      seen[static_cast<size_t>(a)] = true;
      spec.axes.push_back(a);
    }
  }
  bool present = false;
  if (ctx.opset < 11) {
    ctx.attrs.set("coordinate_transformation_mode", std::string("asymmetric"));
    ctx.attrs.set("nearest_mode", std::string("floor"));
    HALO_TRY(constant_floats(ctx, 1, "scales", spec.scales, present));
    if (!present) return ctx.error(ErrorKind::Parse, "input 1 (scales) is missing");
    return emit_resize(ctx, spec);
  }
  HALO_TRY(constant_floats(ctx, 1, "roi", spec.roi, present));
  std::string ctm = ctx.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  if (ctm != "tf_crop_and_resize") spec.roi.clear();
  HALO_TRY(constant_floats(ctx, 2, "scales", spec.scales, present));
  ir::Value* sz = given_input(ctx, 3);
  if (sz && sz->type().num_elements() != 0) {
    if (!sz->is_constant()) return input_not_constant(ctx, 3, "sizes");
    auto s = ctx.constant_ints(3);
    if (!s) return s.status();
    spec.sizes = *s;
  }
  return emit_resize(ctx, spec);
}

// Upsample (opsets 7-9): scales is an attribute in 7 and input 1 in 9; every axis.
Expected<std::vector<ir::Value*>> handle_resize_upsample(NodeContext& ctx) {
  ir::Value* x = given_input(ctx, 0);
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 (X) is missing");
  ResizeSpec spec;
  spec.axes = all_axes(x->type().dims.size());
  if (ctx.attrs.has("scales")) {
    spec.scales = ctx.attrs.get_floats("scales", {});
    ctx.attrs.erase("scales");
  } else {
    bool present = false;
    HALO_TRY(constant_floats(ctx, 1, "scales", spec.scales, present));
    if (!present) return ctx.error(ErrorKind::Parse, "input 1 (scales) is missing");
  }
  ctx.attrs.set("coordinate_transformation_mode", std::string("asymmetric"));
  ctx.attrs.set("nearest_mode", std::string("floor"));
  return emit_resize(ctx, spec);
}

}  // namespace halo::onnx_import
