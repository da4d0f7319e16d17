// deform_conv.cc - DeformConv (ONNX opset 22 semantics), 1 to 3 spatial dimensions.
//
// Written as the definition. X [N, C, I...], W [M, C/group, K...], offset
// [N, offset_group * prod(K) * r, O...], mask [N, offset_group * prod(K), O...], B [M].
// Output position o, kernel tap k and input channel c (offset group g = c / (C /
// offset_group)) sample X[n, c] at the fractional position
//   p[d] = o[d] * stride[d] - pad_begin[d] + k[d] * dilation[d] + offset[n, (g*K + k)*r + d, o]
// by multilinear interpolation, pixels outside X counting as 0. The output is
//   Y[n, m, o] = B[m] + sum over c in m's group and k of W[m, c', k] * mask[n, g*K + k, o] * X(p).
// Accumulation is in double.
#include <cmath>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr int64_t kMaxParam = int64_t{1} << 20;

struct Geometry {
  size_t spatial = 0;
  int64_t group = 1, offset_group = 1;
  Dims kernel, strides, dilations, pads, out;
};

std::string read_geometry(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a, Geometry& g) {
  const TensorType &x = in[0], &w = in[1], &off = in[2];
  if (x.rank() < 3 || x.rank() > 5) return fail(s.name, "X must have 1 to 3 spatial dimensions, got ", show(x.dims));
  if (w.rank() != x.rank()) return fail(s.name, "W ", show(w.dims), " must have the rank of X ", show(x.dims));
  if (!x.is_static() || !w.is_static()) return fail(s.name, "X and W must have static shapes");
  g.spatial = x.rank() - 2;
  g.kernel.assign(w.dims.begin() + 2, w.dims.end());
  g.group = a.get_int("group", 1);
  g.offset_group = a.get_int("offset_group", 1);
  auto list = [&](const char* name, int64_t fallback, size_t n, Dims& out) -> std::string {
    out = a.get_ints(name);
    if (out.empty()) out.assign(n, fallback);
    if (out.size() != n) return fail(s.name, name, " has ", out.size(), " entries, expected ", n);
    return {};
  };
  if (std::string e = list("strides", 1, g.spatial, g.strides); !e.empty()) return e;
  if (std::string e = list("dilations", 1, g.spatial, g.dilations); !e.empty()) return e;
  if (std::string e = list("pads", 0, 2 * g.spatial, g.pads); !e.empty()) return e;
  int64_t channels = x.dims[1], m = w.dims[0];
  if (g.group < 1 || g.group > kMaxParam || channels % g.group != 0 || m % g.group != 0 || w.dims[1] * g.group != channels)
    return fail(s.name, "group ", g.group, " does not fit X ", show(x.dims), " and W ", show(w.dims));
  if (g.offset_group < 1 || g.offset_group > kMaxParam || channels % g.offset_group != 0)
    return fail(s.name, "offset_group ", g.offset_group, " must divide the ", channels, " input channels");
  g.out.assign(g.spatial, 0);
  for (size_t d = 0; d < g.spatial; ++d) {
    if (g.strides[d] < 1 || g.strides[d] > kMaxParam || g.dilations[d] < 1 || g.dilations[d] > kMaxParam)
      return fail(s.name, "strides and dilations must be positive");
    if (g.pads[d] < 0 || g.pads[d] > kMaxParam || g.pads[d + g.spatial] < 0 || g.pads[d + g.spatial] > kMaxParam)
      return fail(s.name, "pads ", show(g.pads), " out of range");
    int64_t span = (g.kernel[d] - 1) * g.dilations[d] + 1;
    int64_t padded = x.dims[2 + d] + g.pads[d] + g.pads[d + g.spatial];
    if (g.kernel[d] < 1 || padded < span) return fail(s.name, "the kernel does not fit the padded input along axis ", d);
    g.out[d] = (padded - span) / g.strides[d] + 1;
  }
  int64_t taps = product(g.kernel, 0, g.spatial);
  Dims want{x.dims[0], g.offset_group * taps * static_cast<int64_t>(g.spatial)};
  want.insert(want.end(), g.out.begin(), g.out.end());
  if (off.dims != want) return fail(s.name, "offset is ", show(off.dims), ", expected ", show(want));
  if (in.size() > 3 && in[3].present() && in[3].dims != Dims{m})
    return fail(s.name, "B is ", show(in[3].dims), ", expected [", m, "]");
  if (in.size() > 4 && in[4].present()) {
    want[1] = g.offset_group * taps;
    if (in[4].dims != want) return fail(s.name, "mask is ", show(in[4].dims), ", expected ", show(want));
  }
  return {};
}

// X[n, c] (`plane`, extents `image`) at the fractional position p: the multilinear
// interpolation of the 2^r surrounding pixels, those outside the image counting as 0.
template <typename T>
double sample(const T* plane, const Dims& image, const Dims& strides, const std::vector<double>& p) {
  size_t r = image.size();
  std::vector<int64_t> base(r);
  std::vector<double> frac(r);
  for (size_t d = 0; d < r; ++d) {
    if (!(p[d] > -2.0 && p[d] < static_cast<double>(image[d]) + 1.0)) return 0.0;  // no pixel near, or NaN
    double f = std::floor(p[d]);
    base[d] = static_cast<int64_t>(f);
    frac[d] = p[d] - f;
  }
  double acc = 0;
  for (int64_t corner = 0; corner < (int64_t{1} << r); ++corner) {
    double weight = 1;
    int64_t at = 0;
    bool inside = true;
    for (size_t d = 0; d < r; ++d) {
      bool high = (corner >> d) & 1;
      int64_t i = base[d] + (high ? 1 : 0);
      weight *= high ? frac[d] : 1 - frac[d];
      inside = inside && i >= 0 && i < image[d];
      at += i * strides[d];
    }
    if (inside && weight != 0) acc += weight * static_cast<double>(plane[at]);
  }
  return acc;
}

template <typename T>
std::string apply(const KernelArgs& args, const Geometry& g) {
  const Dims& dx = args.in[0].type.dims;
  const Dims& dw = args.in[1].type.dims;
  size_t r = g.spatial;
  int64_t batch = dx[0], channels = dx[1], m_count = dw[0], c_per_group = dw[1];
  int64_t m_per_group = m_count / g.group, c_per_offset_group = channels / g.offset_group;
  int64_t taps = product(g.kernel, 0, r), points = product(g.out, 0, r);
  int64_t image_size = product(dx, 2, dx.size());
  Dims image(dx.begin() + 2, dx.end());
  Dims image_strides = row_major_strides(image);
  const T* x = args.in[0].as<const T>();
  const T* w = args.in[1].as<const T>();
  const T* off = args.in[2].as<const T>();
  const T* bias = args.has(3) ? args.in[3].as<const T>() : nullptr;
  const T* mask = args.has(4) ? args.in[4].as<const T>() : nullptr;
  T* y = args.out[0].as<T>();
  std::vector<double> p(r);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < m_count; ++m) {
      int64_t grp = m / m_per_group;
      Dims o(r, 0);
      int64_t oi = 0;
      do {
        double acc = bias ? static_cast<double>(bias[m]) : 0.0;
        for (int64_t cg = 0; cg < c_per_group; ++cg) {
          int64_t c = grp * c_per_group + cg;
          int64_t og = c / c_per_offset_group;
          const T* plane = x + (n * channels + c) * image_size;
          Dims k(r, 0);
          int64_t ki = 0;
          do {
            for (size_t d = 0; d < r; ++d) {
              int64_t oc = ((og * taps + ki) * static_cast<int64_t>(r) + static_cast<int64_t>(d));
              double shift = static_cast<double>(off[((n * g.offset_group * taps * static_cast<int64_t>(r)) + oc) * points + oi]);
              p[d] = static_cast<double>(o[d] * g.strides[d] - g.pads[d] + k[d] * g.dilations[d]) + shift;
            }
            double scale = mask ? static_cast<double>(mask[(n * g.offset_group * taps + og * taps + ki) * points + oi]) : 1.0;
            double wv = static_cast<double>(w[(m * c_per_group + cg) * taps + ki]);
            if (scale != 0 && wv != 0) acc += wv * scale * sample(plane, image, image_strides, p);
            ++ki;
          } while (next_index(k, g.kernel));
        }
        y[(n * m_count + m) * points + oi] = static_cast<T>(acc);
        ++oi;
      } while (next_index(o, g.out));
    }
  return {};
}

}  // namespace

std::string shape_deform_conv(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                              std::vector<TensorType>& out) {
  Geometry g;
  if (std::string e = read_geometry(s, in, a, g); !e.empty()) return e;
  Dims dims{in[0].dims[0], in[1].dims[0]};
  dims.insert(dims.end(), g.out.begin(), g.out.end());
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

std::string run_deform_conv(const KernelArgs& args) {
  Geometry g;
  std::vector<TensorType> types;
  for (const TensorView& v : args.in) types.push_back(v.type);
  if (std::string e = read_geometry(args.schema, types, args.attrs, g); !e.empty()) return e;
  if (args.out[0].type.num_elements() == 0) return {};
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return apply<T>(args, g); });
}

}  // namespace halo::sem::kernels
