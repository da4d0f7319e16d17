// pool.cc - MaxPool, AveragePool and GlobalAveragePool over NCHW tensors.
//
// The windowed pools visit, for each output position, every dilated kernel tap and
// classify it: inside the input (a real element), inside the explicit padding, or past
// the padded input (only possible with ceil_mode, whose last window may overhang).
// MaxPool takes the maximum of the real elements only. AveragePool divides the sum of
// the real elements by the number of real taps, or with count_include_pad by the
// number of taps inside the padded input (padding counts as zeros). A window without
// a single counted tap yields NaN, as in ONNX's reference implementation.
#include <cmath>
#include <limits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

template <typename T>
std::string apply(OpKind kind, const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dy = args.out[0].type.dims;
  size_t spatial = dx.size() - 2;
  Window w;
  if (std::string err = read_window(args.name(), args.attrs, spatial,
                                    args.attrs.get_ints("kernel_shape"), true, w);
      !err.empty())
    return err;
  bool is_max = kind == OpKind::MaxPool;
  bool include_pad = args.attrs.get_int("count_include_pad") != 0;
  Dims in_extent(dx.begin() + 2, dx.end()), out_extent(dy.begin() + 2, dy.end());
  Dims x_strides = row_major_strides(dx);
  int64_t planes = dx[0] * dx[1];  // the (n, c) pairs, each pooled independently
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  if (args.out[0].type.num_elements() == 0) return {};

  int64_t y_index = 0;
  for (int64_t plane = 0; plane < planes; ++plane) {
    Dims o(spatial, 0);
    do {
      double max = -std::numeric_limits<double>::infinity(), sum = 0;
      int64_t real = 0, padded = 0;  // taps inside the input / inside the padded input
      Dims k(spatial, 0);
      do {
        int64_t x_off = plane * x_strides[1];
        bool in_input = true, in_padded = true;
        for (size_t d = 0; d < spatial; ++d) {
          int64_t pos = o[d] * w.strides[d] - w.pads_begin[d] + k[d] * w.dilations[d];
          in_input = in_input && pos >= 0 && pos < in_extent[d];
          in_padded = in_padded && pos >= -w.pads_begin[d] && pos < in_extent[d] + w.pads_end[d];
          x_off += pos * x_strides[d + 2];
        }
        padded += in_padded;
        if (!in_input) continue;
        ++real;
        auto v = static_cast<double>(x[x_off]);
        sum += v;
        // A NaN element makes the maximum NaN (as NumPy's max does) and then stays.
        if (!std::isnan(max) && !(v <= max)) max = v;
      } while (next_index(k, w.kernel));
      double divisor = static_cast<double>(include_pad ? padded : real);
      double result = std::numeric_limits<double>::quiet_NaN();
      if (is_max && real > 0) result = max;
      if (!is_max && divisor > 0) result = sum / divisor;
      y[y_index++] = static_cast<T>(result);
    } while (next_index(o, out_extent));
  }
  return {};
}

template <typename T>
std::string apply_global(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  int64_t planes = dx[0] * dx[1], size = product(dx, 2, dx.size());
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t p = 0; p < planes; ++p) {
    double sum = 0;
    for (int64_t i = 0; i < size; ++i) sum += static_cast<double>(x[p * size + i]);
    y[p] = static_cast<T>(size > 0 ? sum / static_cast<double>(size)
                                   : std::numeric_limits<double>::quiet_NaN());
  }
  return {};
}

}  // namespace

std::string run_pool(OpKind kind, const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(kind, args); });
}

std::string run_global_pool(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_global<T>(args); });
}

}  // namespace halo::sem::kernels
