// conv.cc - N-d grouped convolution, NCHW data and OIHW weights (1-3 spatial dims).
//
// Written as the definition: each output element is the bias plus the sum, over the
// input channels of its group and every kernel tap, of input times weight, where a tap
// that lands in the padding contributes nothing. Spatial positions are multi-indices,
// so one loop nest serves 1-D, 2-D and 3-D convolutions alike.
#include "kernels.h"

namespace halo::sem::kernels {
namespace {

template <typename T>
std::string apply(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dw = args.in[1].type.dims;
  const Dims& dy = args.out[0].type.dims;
  size_t spatial = dx.size() - 2;
  Window w;
  Dims kernel(dw.begin() + 2, dw.end());
  if (std::string err = read_window(args.name(), args.attrs, spatial, kernel, false, w);
      !err.empty())
    return err;
  int64_t group = args.attrs.get_int("group", 1);
  int64_t batch = dx[0], channels = dx[1], out_channels = dw[0];
  int64_t c_per_group = channels / group, m_per_group = out_channels / group;

  Dims in_extent(dx.begin() + 2, dx.end()), out_extent(dy.begin() + 2, dy.end());
  Dims x_strides = row_major_strides(dx), w_strides = row_major_strides(dw);
  const T* x = args.in[0].as<const T>();
  const T* wt = args.in[1].as<const T>();
  const T* bias = args.has(2) ? args.in[2].as<const T>() : nullptr;
  T* y = args.out[0].as<T>();
  if (args.out[0].type.num_elements() == 0) return {};

  int64_t y_index = 0;  // output elements are produced in row-major order
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < out_channels; ++m) {
      int64_t g = m / m_per_group;
      Dims o(spatial, 0);
      do {
        double acc = bias ? static_cast<double>(bias[m]) : 0.0;
        for (int64_t c = 0; c < c_per_group; ++c) {
          int64_t ic = g * c_per_group + c;
          Dims k(spatial, 0);
          do {
            // Input position of this tap; skip taps in the padding.
            int64_t x_off = n * x_strides[0] + ic * x_strides[1];
            int64_t w_off = m * w_strides[0] + c * w_strides[1];
            bool inside = true;
            for (size_t d = 0; d < spatial && inside; ++d) {
              int64_t pos = o[d] * w.strides[d] - w.pads_begin[d] + k[d] * w.dilations[d];
              inside = pos >= 0 && pos < in_extent[d];
              x_off += pos * x_strides[d + 2];
              w_off += k[d] * w_strides[d + 2];
            }
            if (inside) acc += static_cast<double>(x[x_off]) * static_cast<double>(wt[w_off]);
          } while (next_index(k, kernel));
        }
        y[y_index++] = static_cast<T>(acc);
      } while (next_index(o, out_extent));
    }
  return {};
}

}  // namespace

std::string run_conv(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(args); });
}

}  // namespace halo::sem::kernels
