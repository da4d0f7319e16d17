// pool.cc - MaxPool, AveragePool and GlobalAveragePool over NCHW tensors.
//
// A window's dilated kernel taps fall inside the input (real elements), inside the
// explicit padding, or past the padded input (only with ceil_mode, whose last window
// may overhang). MaxPool takes the maximum of the real elements only. AveragePool
// divides the sum of the real elements by the number of real taps, or with
// count_include_pad by the number of taps inside the padded input (padding counts as
// zeros). A window without a single counted tap yields NaN, as in ONNX's reference.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// ceil(a / b) for b > 0, without the overflow of (a + b - 1) / b.
int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0 && a > 0); }

// The taps k in [0, kernel) of a window starting at `start` whose position
// start + k * dilation lies in [lo, hi), as the half-open range [first, end).
struct TapRange {
  int64_t first, end;
};
TapRange taps_within(int64_t start, int64_t dilation, int64_t kernel, int64_t lo, int64_t hi) {
  int64_t first = std::max<int64_t>(0, ceil_div(lo - start, dilation));
  int64_t end = std::min<int64_t>(kernel, ceil_div(hi - start, dilation));
  return {first, std::max(first, end)};
}

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
      // The window is a box, so per dimension the taps inside the input and inside the
      // padded input are contiguous ranges. Only real taps are visited: kernel_shape is
      // an attribute, and a huge kernel over huge padding must not mean a huge loop.
      Dims start(spatial), first(spatial), count(spatial);
      double padded = 1;  // taps inside the padded input (may exceed int64 in theory)
      for (size_t d = 0; d < spatial; ++d) {
        start[d] = o[d] * w.strides[d] - w.pads_begin[d];
        TapRange real = taps_within(start[d], w.dilations[d], w.kernel[d], 0, in_extent[d]);
        TapRange pad = taps_within(start[d], w.dilations[d], w.kernel[d], -w.pads_begin[d],
                                   in_extent[d] + w.pads_end[d]);
        first[d] = real.first;
        count[d] = real.end - real.first;
        padded *= static_cast<double>(pad.end - pad.first);
      }
      double max = -std::numeric_limits<double>::infinity(), sum = 0;
      int64_t real = product(count, 0, spatial);
      if (real > 0) {
        Dims i(spatial, 0);
        do {
          int64_t x_off = plane * x_strides[1];
          for (size_t d = 0; d < spatial; ++d)
            x_off += (start[d] + (first[d] + i[d]) * w.dilations[d]) * x_strides[d + 2];
          auto v = static_cast<double>(x[x_off]);
          sum += v;
          // A NaN element makes the maximum NaN (as NumPy's max does) and then stays.
          if (!std::isnan(max) && !(v <= max)) max = v;
        } while (next_index(i, count));
      }
      double divisor = include_pad ? padded : static_cast<double>(real);
      double result = std::numeric_limits<double>::quiet_NaN();
      if (is_max && real > 0) result = max;
      if (!is_max && divisor > 0) result = sum / divisor;
      // Integer MaxPool (i8/u8) is exact in double; a window with no element has no
      // integer NaN, so it gives 0.
      if constexpr (!std::is_floating_point_v<T>) {
        if (std::isnan(result)) result = 0;
      }
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

std::string run_pool(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  return with_numeric_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(kind, args); });
}

std::string run_global_pool(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_global<T>(args); });
}

}  // namespace halo::sem::kernels
