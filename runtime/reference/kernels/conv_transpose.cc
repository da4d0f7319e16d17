// conv_transpose.cc - N-d transposed convolution (ConvTranspose), NCHW data and weights
// [C, M/group, k...], 1-3 spatial dimensions.
//
// Written as the definition: every input element scatters input times weight into the
// output positions its kernel taps reach, out = in * stride - pad_begin + tap * dilation;
// positions outside the output (in the padding) are dropped. Accumulation is in double.
#include <cstdlib>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

struct Geometry {
  size_t spatial = 0;
  Dims kernel, strides, dilations, pads_begin, pads_end, output_padding;
};

// Reads and validates the attributes against X [N, C, ...] and W [C, M/group, k...].
std::string read_geometry(const OpSchema& s, const TensorType& x, const TensorType& w, const AttrMap& a,
                          Geometry& g) {
  if (x.rank() < 3 || x.rank() > 5) return fail(s.name, "X must have 1 to 3 spatial dimensions, got rank ", x.rank());
  if (w.rank() != x.rank()) return fail(s.name, "W has rank ", w.rank(), " but X has rank ", x.rank());
  g.spatial = x.rank() - 2;
  g.kernel.assign(w.dims.begin() + 2, w.dims.end());
  auto list = [&](const char* name, int64_t fallback, size_t n, Dims& out) -> std::string {
    out = a.get_ints(name);
    if (out.empty()) out.assign(n, fallback);
    if (out.size() != n) return fail(s.name, name, " has ", out.size(), " entries, expected ", n);
    return {};
  };
  Dims pads;
  if (std::string err = list("strides", 1, g.spatial, g.strides); !err.empty()) return err;
  if (std::string err = list("dilations", 1, g.spatial, g.dilations); !err.empty()) return err;
  if (std::string err = list("pads", 0, 2 * g.spatial, pads); !err.empty()) return err;
  if (std::string err = list("output_padding", 0, g.spatial, g.output_padding); !err.empty()) return err;
  for (size_t d = 0; d < g.spatial; ++d) {
    if (g.strides[d] < 1 || g.strides[d] > (1 << 20)) return fail(s.name, "stride ", g.strides[d], " out of range");
    if (g.dilations[d] < 1 || g.dilations[d] > (1 << 20)) return fail(s.name, "dilation ", g.dilations[d], " out of range");
    if (g.output_padding[d] < 0 || g.output_padding[d] >= std::max(g.strides[d], g.dilations[d]))
      return fail(s.name, "output_padding ", g.output_padding[d], " must be below the stride or the dilation");
    // Negative pads are allowed: an output_shape beyond the full result makes the
    // frontend pass one, and the extra positions receive only the bias.
    if (std::abs(pads[d]) > (1 << 20) || std::abs(pads[d + g.spatial]) > (1 << 20))
      return fail(s.name, "pads out of range");
  }
  g.pads_begin.assign(pads.begin(), pads.begin() + static_cast<int64_t>(g.spatial));
  g.pads_end.assign(pads.begin() + static_cast<int64_t>(g.spatial), pads.end());
  return {};
}

template <typename T>
std::string apply(const KernelArgs& args, const Geometry& g) {
  const Dims &dx = args.in[0].type.dims, &dw = args.in[1].type.dims, &dy = args.out[0].type.dims;
  int64_t group = args.attrs.get_int("group", 1);
  int64_t batch = dx[0], channels = dx[1], m_per_group = dw[1], c_per_group = channels / group;
  int64_t out_channels = dy[1];
  Dims in_extent(dx.begin() + 2, dx.end()), out_extent(dy.begin() + 2, dy.end());
  Dims xs = row_major_strides(dx), ws = row_major_strides(dw), ys = row_major_strides(dy);
  const T* x = args.in[0].as<const T>();
  const T* w = args.in[1].as<const T>();
  const T* bias = args.has(2) ? args.in[2].as<const T>() : nullptr;
  int64_t n_out = args.out[0].type.num_elements();
  if (n_out == 0) return {};
  std::vector<double> acc(static_cast<size_t>(n_out), 0.0);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t ic = 0; ic < channels; ++ic) {
      int64_t grp = ic / c_per_group;
      Dims i(g.spatial, 0);
      do {
        double xv = static_cast<double>(x[n * xs[0] + ic * xs[1] + [&] {
          int64_t off = 0;
          for (size_t d = 0; d < g.spatial; ++d) off += i[d] * xs[d + 2];
          return off;
        }()]);
        for (int64_t m = 0; m < m_per_group; ++m) {
          int64_t oc = grp * m_per_group + m;
          Dims k(g.spatial, 0);
          do {
            int64_t y_off = n * ys[0] + oc * ys[1], w_off = ic * ws[0] + m * ws[1];
            bool inside = true;
            for (size_t d = 0; d < g.spatial && inside; ++d) {
              int64_t pos = i[d] * g.strides[d] - g.pads_begin[d] + k[d] * g.dilations[d];
              inside = pos >= 0 && pos < out_extent[d];
              y_off += pos * ys[d + 2];
              w_off += k[d] * ws[d + 2];
            }
            if (inside) acc[static_cast<size_t>(y_off)] += xv * static_cast<double>(w[w_off]);
          } while (next_index(k, g.kernel));
        }
      } while (next_index(i, in_extent));
    }
  T* y = args.out[0].as<T>();
  int64_t per_channel = n_out / (batch * out_channels);
  for (int64_t e = 0; e < n_out; ++e) {
    double b = bias ? static_cast<double>(bias[(e / per_channel) % out_channels]) : 0.0;
    y[e] = static_cast<T>(acc[static_cast<size_t>(e)] + b);
  }
  return {};
}

}  // namespace

// Y: [N, W[1] * group, stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pads].
std::string shape_conv_transpose(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                                 std::vector<TensorType>& out) {
  const TensorType &x = in[0], &w = in[1];
  Geometry g;
  if (std::string err = read_geometry(s, x, w, attrs, g); !err.empty()) return err;
  int64_t group = attrs.get_int("group", 1);
  if (group < 1) return fail(s.name, "group must be positive, got ", group);
  if (x.dims[1] >= 0 && w.dims[0] >= 0 && x.dims[1] != w.dims[0])
    return fail(s.name, "X has ", x.dims[1], " channels but W has ", w.dims[0], " input channels");
  if (x.dims[1] >= 0 && x.dims[1] % group != 0)
    return fail(s.name, "channels ", x.dims[1], " are not divisible by group ", group);
  if (in.size() > 2 && in[2].present() && (in[2].rank() != 1 || (w.dims[1] >= 0 && in[2].dims[0] != w.dims[1] * group)))
    return fail(s.name, "B must be 1-D with one value per output channel");
  Dims y = {x.dims[0], w.dims[1] < 0 ? kUnknownDim : w.dims[1] * group};
  for (size_t d = 0; d < g.spatial; ++d) {
    int64_t i = x.dims[d + 2], k = g.kernel[d];
    if (i < 0 || k < 0) {
      y.push_back(kUnknownDim);
      continue;
    }
    if (i > (int64_t{1} << 40) || k > (int64_t{1} << 20)) return fail(s.name, "extent too large");
    int64_t o = g.strides[d] * (i - 1) + g.output_padding[d] + (k - 1) * g.dilations[d] + 1 - g.pads_begin[d] -
                g.pads_end[d];
    if (o < 0) return fail(s.name, "the pads leave a negative output extent ", o);
    y.push_back(o);
  }
  out = {TensorType{x.dtype, y}};
  return {};
}

std::string run_conv_transpose(const KernelArgs& args) {
  Geometry g;
  if (std::string err = read_geometry(args.schema, args.in[0].type, args.in[1].type, args.attrs, g); !err.empty())
    return err;
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return apply<T>(args, g); });
}

}  // namespace halo::sem::kernels
