// resize.cc - Resize (ONNX Resize, opset 19 semantics; Upsample maps onto it).
//
// Resize is separable: along each axis d, output coordinate x maps to a position x_ori
// in the input (coordinate_transformation_mode), and a few input elements around x_ori
// are weighted (nearest: one, linear: two, cubic: four, antialias: more when
// downsampling). The result element is the sum over every combination of one tap per
// axis of the product of the taps' weights times the input element there. The taps of
// each axis are computed once per output coordinate, following ONNX's definition: the
// neighbours are taken from the input padded with its edge values, exclude_outside drops
// (and renormalizes away) those that fall outside, and with tf_crop_and_resize a
// position outside the input gives extrapolation_value.
//
// Attributes: `sizes` is the full output shape; scale<d> is the scale of axis d for the
// coordinate transform (0: sizes[d] / input extent); roi_start<d>/roi_end<d> the region
// of tf_crop_and_resize. The importer resolves ONNX's roi/scales/sizes inputs into these.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr size_t kMaxRank = 6;
constexpr int64_t kMaxTaps = 1 << 20;  // per axis and output coordinate (antialias width)

struct Tap {
  int64_t index;  // in the input, within [0, extent)
  double weight;
};

// The taps of one output coordinate along one axis; `outside` means the whole output
// element is extrapolation_value (tf_crop_and_resize out of the roi).
struct AxisTaps {
  std::vector<Tap> taps;
  bool outside = false;
};

struct Params {
  std::string mode, ctm, nearest;
  double a = -0.75, extrapolation = 0;
  bool exclude_outside = false, antialias = false;
};

std::string read_params(const OpSchema& s, const AttrMap& at, Params& p) {
  p.mode = at.get_string("mode", "nearest");
  p.ctm = at.get_string("coordinate_transformation_mode", "half_pixel");
  p.nearest = at.get_string("nearest_mode", "round_prefer_floor");
  p.a = at.get_float("cubic_coeff_a", -0.75);
  p.extrapolation = at.get_float("extrapolation_value", 0.0);
  p.exclude_outside = at.get_int("exclude_outside", 0) != 0;
  p.antialias = at.get_int("antialias", 0) != 0;
  if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic")
    return fail(s.name, "mode '", p.mode, "' is not nearest, linear or cubic");
  if (p.ctm != "half_pixel" && p.ctm != "half_pixel_symmetric" && p.ctm != "pytorch_half_pixel" &&
      p.ctm != "align_corners" && p.ctm != "asymmetric" && p.ctm != "tf_crop_and_resize")
    return fail(s.name, "coordinate_transformation_mode '", p.ctm, "' is not supported");
  if (p.nearest != "round_prefer_floor" && p.nearest != "round_prefer_ceil" && p.nearest != "floor" &&
      p.nearest != "ceil")
    return fail(s.name, "nearest_mode '", p.nearest, "' is not supported");
  if (p.mode == "nearest" && p.antialias) return fail(s.name, "antialias is not defined for mode nearest");
  return {};
}

double scale_of(const AttrMap& at, size_t d, int64_t in, int64_t out) {
  double s = at.get_float("scale" + std::to_string(d), 0.0);
  return s > 0 ? s : static_cast<double>(out) / static_cast<double>(in);
}

// Weights of the taps at offsets lo .. lo+n-1 relative to base (x_ori = base + ratio,
// ratio in (0, 1]).
std::vector<double> weights(const Params& p, double ratio, double scale) {
  double A = p.a;
  if (p.mode == "nearest") {
    if (ratio == 1.0) return {0.0, 1.0};
    bool up = false;
    if (p.nearest == "round_prefer_floor") up = ratio > 0.5;
    else if (p.nearest == "round_prefer_ceil") up = ratio >= 0.5;
    else if (p.nearest == "ceil") up = true;
    return {up ? 0.0 : 1.0, up ? 1.0 : 0.0};
  }
  if (p.mode == "linear") {
    if (!p.antialias) return {1.0 - ratio, ratio};
    double s = std::min(scale, 1.0);
    auto start = static_cast<int64_t>(std::floor(-1.0 / s) + 1);
    int64_t n = 2 - 2 * start;
    std::vector<double> w;
    double sum = 0;
    for (int64_t i = start; i < start + n; ++i) {
      double v = std::clamp(1.0 - std::fabs((static_cast<double>(i) - ratio) * s), 0.0, 1.0);
      w.push_back(v);
      sum += v;
    }
    for (double& v : w) v /= sum;
    return w;
  }
  // cubic
  auto kernel = [&](double x) {
    x = std::fabs(x);
    if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
    if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    return 0.0;
  };
  if (!p.antialias) return {kernel(ratio + 1), kernel(ratio), kernel(1 - ratio), kernel(2 - ratio)};
  double s = std::min(scale, 1.0);
  auto start = static_cast<int64_t>(std::floor(-2.0 / s) + 1);
  std::vector<double> w;
  double sum = 0;
  for (int64_t i = start; i < 2 - start; ++i) {
    double v = kernel(s * (static_cast<double>(i) - ratio));
    w.push_back(v);
    sum += v;
  }
  for (double& v : w) v /= sum;
  return w;
}

// Number of taps per coordinate, to bound the work before computing anything.
int64_t tap_count(const Params& p, double scale) {
  if (p.mode == "nearest") return 2;
  if (!p.antialias) return p.mode == "linear" ? 2 : 4;
  double s = std::min(scale, 1.0);
  double start = std::floor((p.mode == "linear" ? -1.0 : -2.0) / s) + 1;
  double n = 2 - 2 * start;
  return n > static_cast<double>(kMaxTaps) ? kMaxTaps + 1 : static_cast<int64_t>(n);
}

std::string axis_taps(const Params& p, const AttrMap& at, size_t d, int64_t in, int64_t out,
                      std::vector<AxisTaps>& result) {
  double scale = scale_of(at, d, in, out);
  double out_width = scale * static_cast<double>(in);  // ONNX uses the unrounded length
  double roi0 = at.get_float("roi_start" + std::to_string(d), 0.0);
  double roi1 = at.get_float("roi_end" + std::to_string(d), 1.0);
  double inw = static_cast<double>(in);
  result.assign(static_cast<size_t>(out), AxisTaps{});
  for (int64_t xi = 0; xi < out; ++xi) {
    double x = static_cast<double>(xi), xo = 0;
    if (p.ctm == "align_corners") {
      xo = out_width == 1 ? 0.0 : x * (inw - 1) / (out_width - 1);
    } else if (p.ctm == "asymmetric") {
      xo = x / scale;
    } else if (p.ctm == "tf_crop_and_resize") {
      xo = out_width == 1 ? (roi1 - roi0) * (inw - 1) / 2 : x * (roi1 - roi0) * (inw - 1) / (out_width - 1);
      xo += roi0 * (inw - 1);
      if (xo < 0 || xo > inw - 1) {
        result[xi].outside = true;
        continue;
      }
    } else if (p.ctm == "pytorch_half_pixel") {
      xo = out_width == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    } else if (p.ctm == "half_pixel") {
      xo = (x + 0.5) / scale - 0.5;
    } else {  // half_pixel_symmetric
      double adjustment = static_cast<double>(out) / out_width;
      double offset = inw / 2 * (1 - adjustment);
      xo = offset + (x + 0.5) / scale - 0.5;
    }
    if (!std::isfinite(xo)) return fail("Resize", "axis ", d, ": non-finite source coordinate");
    double fl = std::floor(xo);
    // base + ratio = xo with ratio in (0, 1]
    double base_d = xo == fl ? fl - 1 : fl;
    double ratio = xo - base_d;
    std::vector<double> w = weights(p, ratio, scale);
    auto n = static_cast<int64_t>(w.size());
    // Taps at base-(n/2-1) .. base+n/2 of the input padded by n/2 edge copies each side;
    // the window slides to stay within the padded range, as ONNX's nearest-neighbour
    // search does.
    int64_t half = n / 2;
    double lo_d = base_d - static_cast<double>(half - 1);
    lo_d = std::clamp(lo_d, static_cast<double>(-half), static_cast<double>(in - 1 + half - (n - 1)));
    auto lo = static_cast<int64_t>(lo_d);
    double sum = 0;
    std::vector<Tap>& taps = result[xi].taps;
    for (int64_t k = 0; k < n; ++k) {
      int64_t idx = lo + k;
      double wk = w[k];
      if (p.exclude_outside && (idx < 0 || idx >= in)) wk = 0;
      sum += wk;
      if (wk != 0) taps.push_back({std::clamp<int64_t>(idx, 0, in - 1), wk});
    }
    if (p.exclude_outside && sum != 0)
      for (Tap& t : taps) t.weight /= sum;
  }
  return {};
}

std::string check(const OpSchema& s, const TensorType& x, const AttrMap& at, Dims& sizes, Params& p) {
  if (std::string e = read_params(s, at, p); !e.empty()) return e;
  sizes = at.get_ints("sizes");
  if (x.dims.size() > kMaxRank) return fail(s.name, "rank ", x.dims.size(), " is above ", kMaxRank);
  if (sizes.size() != x.dims.size())
    return fail(s.name, "sizes ", show(sizes), " must have one entry per dimension of X ", show(x.dims));
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0) return fail(s.name, "sizes ", show(sizes), " has a negative entry");
    if (x.dims[d] == 0 && sizes[d] != 0) return fail(s.name, "cannot resize the empty dimension ", d);
    if (x.dims[d] > 0 && sizes[d] > 0) {
      double scale = scale_of(at, d, x.dims[d], sizes[d]);
      if (!(scale > 0) || !std::isfinite(scale)) return fail(s.name, "scale of axis ", d, " must be positive");
      if (tap_count(p, scale) > kMaxTaps) return fail(s.name, "antialias footprint of axis ", d, " is too large");
    }
  }
  return {};
}

template <typename T>
std::string apply(const KernelArgs& args) {
  const TensorType& xt = args.in[0].type;
  Dims sizes;
  Params p;
  if (std::string e = check(args.schema, xt, args.attrs, sizes, p); !e.empty()) return e;
  const Dims& dy = args.out[0].type.dims;
  if (args.out[0].type.num_elements() == 0) return {};
  size_t rank = dy.size();
  std::vector<std::vector<AxisTaps>> taps(rank);
  for (size_t d = 0; d < rank; ++d)
    if (std::string e = axis_taps(p, args.attrs, d, xt.dims[d], dy[d], taps[d]); !e.empty()) return e;
  Dims strides = row_major_strides(xt.dims);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  Dims index(rank, 0);
  int64_t k = 0;
  do {
    bool outside = false;
    std::vector<const std::vector<Tap>*> t(rank);
    for (size_t d = 0; d < rank; ++d) {
      const AxisTaps& a = taps[d][index[d]];
      outside = outside || a.outside;
      t[d] = &a.taps;
    }
    double acc = 0;
    if (outside) {
      acc = p.extrapolation;
    } else {
      // every combination of one tap per axis
      bool empty = false;
      for (size_t d = 0; d < rank; ++d) empty = empty || t[d]->empty();
      if (!empty) {
        Dims pick(rank, 0), counts(rank);
        for (size_t d = 0; d < rank; ++d) counts[d] = static_cast<int64_t>(t[d]->size());
        do {
          double w = 1;
          int64_t src = 0;
          for (size_t d = 0; d < rank; ++d) {
            const Tap& tp = (*t[d])[pick[d]];
            w *= tp.weight;
            src += tp.index * strides[d];
          }
          acc += w * static_cast<double>(x[src]);
        } while (next_index(pick, counts));
      }
    }
    y[k++] = static_cast<T>(acc);
  } while (next_index(index, dy));
  return {};
}

}  // namespace

std::string shape_resize(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                         std::vector<TensorType>& out) {
  Dims sizes;
  Params p;
  for (int64_t d : in[0].dims)
    if (d < 0) return fail(s.name, "X must have a static shape, got ", show(in[0].dims));
  if (std::string e = check(s, in[0], a, sizes, p); !e.empty()) return e;
  out = {TensorType{in[0].dtype, sizes}};
  return {};
}

std::string run_resize(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return apply<T>(args); });
}

}  // namespace halo::sem::kernels
