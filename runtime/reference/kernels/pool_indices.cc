// pool_indices.cc - MaxPoolWithIndices: MaxPool's values plus the index of each maximum.
//
// Values follow MaxPool exactly (pool.cc): the maximum over the window's taps that fall
// inside the input, NaN when a window (ceil_mode overhang) has no such tap, and a NaN
// element makes the maximum NaN. The index is that of the first maximum in the window's
// row-major tap order (ONNX's reference keeps the first of equal values), counted in
// the flattened input: (n * C + c) * spatial size + the spatial offset, where the spatial
// offset is row-major for storage_order 0 and column-major (first dimension fastest) for
// storage_order 1. A window without a tap gets index -1.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels.h"

namespace halo::sem::kernels {

namespace {

// ceil(a / b) for b > 0.
int64_t div_up(int64_t a, int64_t b) { return a / b + (a % b != 0 && a > 0); }

template <typename T>
std::string max_pool_indices(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dy = args.out[0].type.dims;
  size_t spatial = dx.size() - 2;
  Window w;
  if (std::string err = read_window(args.name(), args.attrs, spatial, args.attrs.get_ints("kernel_shape"), true, w);
      !err.empty())
    return err;
  bool column_major = args.attrs.get_int("storage_order") != 0;
  Dims in_extent(dx.begin() + 2, dx.end()), out_extent(dy.begin() + 2, dy.end());
  // The stride of each spatial dimension in the index the op reports.
  Dims index_stride(spatial, 1);
  for (size_t d = 0; d < spatial; ++d)
    for (size_t e = 0; e < spatial; ++e)
      if (column_major ? e < d : e > d) index_stride[d] *= in_extent[e];
  Dims x_stride = row_major_strides(in_extent);
  int64_t plane_size = product(in_extent, 0, spatial), planes = dx[0] * dx[1];
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  auto* indices = args.out[1].as<int64_t>();
  int64_t at = 0;
  for (int64_t plane = 0; plane < planes; ++plane) {
    const T* xp = x + plane * plane_size;
    Dims o(spatial, 0);
    do {
      // Per dimension, the taps inside the input form the range [first, end): only those
      // are visited, so a huge kernel over huge padding is no huge loop.
      Dims start(spatial), first(spatial), count(spatial);
      for (size_t d = 0; d < spatial; ++d) {
        start[d] = o[d] * w.strides[d] - w.pads_begin[d];
        first[d] = std::max<int64_t>(0, div_up(-start[d], w.dilations[d]));
        int64_t end = std::min<int64_t>(w.kernel[d], div_up(in_extent[d] - start[d], w.dilations[d]));
        count[d] = std::max<int64_t>(0, end - first[d]);
      }
      double best = std::numeric_limits<double>::quiet_NaN();
      int64_t best_index = -1;
      if (product(count, 0, spatial) > 0) {
        Dims k(spatial, 0);
        do {
          int64_t offset = 0, reported = 0;
          for (size_t d = 0; d < spatial; ++d) {
            int64_t pos = start[d] + (first[d] + k[d]) * w.dilations[d];
            offset += pos * x_stride[d];
            reported += pos * index_stride[d];
          }
          auto v = static_cast<double>(xp[offset]);
          // The first tap, or a strictly larger one, or the first NaN (which then stays).
          bool take = best_index < 0 || (!std::isnan(best) && (v > best || std::isnan(v)));
          if (take) {
            best = v;
            best_index = plane * plane_size + reported;
          }
        } while (next_index(k, count));
      }
      y[at] = static_cast<T>(best);
      indices[at] = best_index;
      ++at;
    } while (next_index(o, out_extent));
  }
  return {};
}

}  // namespace

// MaxPool's shape rule (shape_rules.cc) for Y; Indices has Y's shape.
std::string shape_max_pool_indices(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                                   std::vector<TensorType>& out) {
  int64_t order = attrs.get_int("storage_order", 0);
  if (order != 0 && order != 1) return fail(s.name, "storage_order must be 0 or 1, got ", order);
  if (std::string err = shape_pool(s, in, attrs, out); !err.empty()) return err;
  out.push_back(TensorType{DType::i64, out[0].dims});
  return {};
}

std::string run_pool_indices(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return max_pool_indices<T>(args); });
}

}  // namespace halo::sem::kernels
