// sampling_grid.cc - GridSample (ONNX opset 22 semantics).
//
// Each output element Y[n, c, o...] reads X[n, c] at the position grid[n, o..., :].
// The grid holds normalized coordinates in [-1, 1], last component first: grid[..., 0]
// addresses the LAST spatial axis (x = width), as in PyTorch. Per spatial axis the
// normalized value becomes a pixel coordinate (align_corners: -1 and 1 are the centres
// of the edge pixels; otherwise they are the outer edges of the edge pixels); a
// coordinate outside the image is clamped (border) or mirrored (reflection) first, and
// every tap the interpolation needs that still falls outside reads 0 (zeros), the edge
// pixel (border) or its mirror image (reflection). Interpolation is separable: the
// result is the sum over every combination of one tap per axis of the product of the
// taps' weights times X there (nearest: one tap, linear: two, cubic: four, Keys'
// kernel with a = -0.75).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr size_t kMaxSpatial = 6;

enum class Mode { nearest, linear, cubic };
enum class Padding { zeros, border, reflection };

struct Params {
  Mode mode = Mode::linear;
  Padding padding = Padding::zeros;
  bool align_corners = false;
};

std::string read_params(const OpSchema& s, const AttrMap& a, Params& p) {
  std::string mode = a.get_string("mode", "linear");
  std::string padding = a.get_string("padding_mode", "zeros");
  if (mode == "nearest") p.mode = Mode::nearest;
  else if (mode == "linear") p.mode = Mode::linear;
  else if (mode == "cubic") p.mode = Mode::cubic;
  else return fail(s.name, "mode '", mode, "' is not nearest, linear or cubic");
  if (padding == "zeros") p.padding = Padding::zeros;
  else if (padding == "border") p.padding = Padding::border;
  else if (padding == "reflection") p.padding = Padding::reflection;
  else return fail(s.name, "padding_mode '", padding, "' is not zeros, border or reflection");
  p.align_corners = a.get_int("align_corners", 0) != 0;
  return {};
}

// Mirrors x at lo and hi until it lies within [lo, hi] (the range is the image's extent
// in pixel coordinates, so the result is a valid coordinate).
double reflect(double x, double lo, double hi) {
  double range = hi - lo;
  if (range <= 0) return lo;
  if (x >= lo && x <= hi) return x;
  double dist = x < lo ? lo - x : x - hi;
  double folds = std::floor(dist / range);
  double rest = dist - folds * range;
  bool even = std::fmod(folds, 2.0) == 0;
  if (x < lo) return even ? lo + rest : hi - rest;
  return even ? hi - rest : lo + rest;
}

struct Tap {
  int64_t index;  // within [0, extent)
  double weight;
};

// Keys' cubic convolution kernel with a = -0.75 (PyTorch's bicubic).
double cubic(double t) {
  constexpr double A = -0.75;
  t = std::fabs(t);
  if (t <= 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return 0;
}

// The taps along one axis of extent `len` for the normalized coordinate `g`; taps that
// read zeros padding are left out.
std::vector<Tap> axis_taps(const Params& p, double g, int64_t len) {
  auto n = static_cast<double>(len);
  double x = p.align_corners ? (g + 1) / 2 * (n - 1) : ((g + 1) * n - 1) / 2;
  double lo = p.align_corners ? 0.0 : -0.5, hi = p.align_corners ? n - 1 : n - 0.5;
  if (p.mode == Mode::nearest) x = std::nearbyint(x);  // ties to even, like PyTorch
  if (x < lo || x > hi) {
    if (p.padding == Padding::border) x = std::clamp(x, 0.0, n - 1);
    else if (p.padding == Padding::reflection) x = reflect(x, lo, hi);
  }
  std::vector<Tap> taps;
  auto add = [&](double at, double w) {
    // The tap's pixel, with the padding rule for pixels outside the image.
    if (!(at >= -1e15 && at <= 1e15)) return;  // NaN or absurd positions read nothing
    auto i = static_cast<int64_t>(at);
    if (i < 0 || i >= len) {
      if (p.padding == Padding::zeros) return;
      if (p.padding == Padding::border) i = std::clamp<int64_t>(i, 0, len - 1);
      else i = std::clamp<int64_t>(static_cast<int64_t>(reflect(static_cast<double>(i), lo, hi)), 0, len - 1);
    }
    taps.push_back({i, w});
  };
  if (p.mode == Mode::nearest) {
    add(x, 1.0);
    return taps;
  }
  double base = std::floor(x), t = x - base;
  if (p.mode == Mode::linear) {
    add(base, 1 - t);
    add(base + 1, t);
  } else {
    add(base - 1, cubic(t + 1));
    add(base, cubic(t));
    add(base + 1, cubic(1 - t));
    add(base + 2, cubic(2 - t));
  }
  return taps;
}

template <typename T>
std::string apply(const KernelArgs& args, const Params& p) {
  const Dims& dx = args.in[0].type.dims;
  const Dims& dy = args.out[0].type.dims;
  if (args.out[0].type.num_elements() == 0) return {};
  size_t r = dx.size() - 2;
  Dims image(dx.begin() + 2, dx.end()), out_spatial(dy.begin() + 2, dy.end());
  Dims xs = row_major_strides(dx);
  int64_t points = product(out_spatial, 0, r);
  const T* x = args.in[0].as<const T>();
  const T* grid = args.in[1].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t batch = dx[0], channels = dx[1];
  std::vector<std::vector<Tap>> taps(r);
  Dims pick(r), counts(r);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t o = 0; o < points; ++o) {
      const T* g = grid + (n * points + o) * static_cast<int64_t>(r);
      bool empty = false;
      for (size_t d = 0; d < r; ++d) {
        // grid component k addresses spatial axis r-1-k
        taps[d] = axis_taps(p, static_cast<double>(g[r - 1 - d]), image[d]);
        counts[d] = static_cast<int64_t>(taps[d].size());
        empty = empty || taps[d].empty();
      }
      for (int64_t c = 0; c < channels; ++c) {
        double acc = 0;
        if (!empty) {
          std::fill(pick.begin(), pick.end(), 0);
          do {
            double w = 1;
            int64_t src = n * xs[0] + c * xs[1];
            for (size_t d = 0; d < r; ++d) {
              const Tap& t = taps[d][static_cast<size_t>(pick[d])];
              w *= t.weight;
              src += t.index * xs[d + 2];
            }
            acc += w * static_cast<double>(x[src]);
          } while (next_index(pick, counts));
        }
        y[(n * channels + c) * points + o] = static_cast<T>(acc);
      }
    }
  return {};
}

}  // namespace

std::string shape_grid_sample(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                              std::vector<TensorType>& out) {
  Params p;
  if (std::string e = read_params(s, a, p); !e.empty()) return e;
  const TensorType &x = in[0], &g = in[1];
  if (x.rank() < 3 || x.rank() - 2 > kMaxSpatial)
    return fail(s.name, "X must be [N, C, D1..Dr] with 1 to ", kMaxSpatial, " spatial axes, got ", show(x.dims));
  size_t r = x.rank() - 2;
  if (g.rank() != x.rank()) return fail(s.name, "grid ", show(g.dims), " must have the rank of X ", show(x.dims));
  if (g.dims.back() != kUnknownDim && g.dims.back() != static_cast<int64_t>(r))
    return fail(s.name, "the last extent of grid ", show(g.dims), " must be ", r, ", the number of spatial axes");
  if (x.dims[0] != kUnknownDim && g.dims[0] != kUnknownDim && x.dims[0] != g.dims[0])
    return fail(s.name, "X ", show(x.dims), " and grid ", show(g.dims), " differ in the batch extent");
  for (size_t d = 2; d < x.rank(); ++d)
    if (x.dims[d] == 0)
      return fail(s.name, "cannot sample the empty image ", show(x.dims));
  Dims dims{x.dims[0] != kUnknownDim ? x.dims[0] : g.dims[0], x.dims[1]};
  dims.insert(dims.end(), g.dims.begin() + 1, g.dims.end() - 1);
  out = {TensorType{x.dtype, dims}};
  return {};
}

std::string run_grid_sample(const KernelArgs& args) {
  Params p;
  if (std::string e = read_params(args.schema, args.attrs, p); !e.empty()) return e;
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return apply<T>(args, p); });
}

}  // namespace halo::sem::kernels
