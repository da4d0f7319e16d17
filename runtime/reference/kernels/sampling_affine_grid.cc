// sampling_affine_grid.cc - AffineGrid (ONNX opset 20 semantics).
//
// For an image of size [N, C, H, W] the grid point of pixel (h, w) is theta[n] times the
// homogeneous normalized position (x_w, y_h, 1); for [N, C, D, H, W] it is theta[n] times
// (x_w, y_h, z_d, 1). The normalized position of pixel i of an axis of extent L is
// -1 + 2i / (L - 1) with align_corners (the edge pixels' centres are -1 and 1; -1 when
// L = 1), and -1 + (2i + 1) / L without (the outer edges are -1 and 1). The result is
// [N, H, W, 2] or [N, D, H, W, 3], the grid GridSample takes.
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr int64_t kMaxExtent = int64_t{1} << 24;

double position(int64_t i, int64_t len, bool align) {
  auto x = static_cast<double>(i), n = static_cast<double>(len);
  if (align) return len == 1 ? -1.0 : -1.0 + 2.0 * x / (n - 1);
  return -1.0 + (2.0 * x + 1.0) / n;
}

template <typename T>
std::string apply(const KernelArgs& args, const Dims& size, bool align) {
  size_t r = size.size() - 2;  // 2 or 3 spatial axes
  Dims spatial(size.begin() + 2, size.end());
  int64_t batch = size[0], points = product(spatial, 0, r);
  auto cols = static_cast<int64_t>(r + 1);
  const T* theta = args.in[0].as<const T>();
  T* grid = args.out[0].as<T>();
  std::vector<double> homo(r + 1, 1.0);
  for (int64_t n = 0; n < batch; ++n) {
    const T* t = theta + n * static_cast<int64_t>(r) * cols;
    Dims at(r, 0);
    int64_t p = 0;
    do {
      // (x, y[, z]): component k is the position along spatial axis r-1-k
      for (size_t k = 0; k < r; ++k) homo[k] = position(at[r - 1 - k], spatial[r - 1 - k], align);
      for (size_t row = 0; row < r; ++row) {
        double v = 0;
        for (int64_t c = 0; c < cols; ++c) v += static_cast<double>(t[static_cast<int64_t>(row) * cols + c]) * homo[static_cast<size_t>(c)];
        grid[(n * points + p) * static_cast<int64_t>(r) + static_cast<int64_t>(row)] = static_cast<T>(v);
      }
      ++p;
    } while (next_index(at, spatial));
  }
  return {};
}

}  // namespace

std::string shape_affine_grid(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                              std::vector<TensorType>& out) {
  Dims size = a.get_ints("size");
  const TensorType& theta = in[0];
  if (size.size() != 4 && size.size() != 5)
    return fail(s.name, "size ", show(size), " must be [N, C, H, W] or [N, C, D, H, W]");
  for (int64_t d : size)
    if (d < 0 || d > kMaxExtent) return fail(s.name, "size ", show(size), " out of range");
  auto r = static_cast<int64_t>(size.size() - 2);
  Dims want{size[0], r, r + 1};
  if (theta.dims != want) return fail(s.name, "theta is ", show(theta.dims), ", expected ", show(want), " for size ", show(size));
  Dims dims{size[0]};
  dims.insert(dims.end(), size.begin() + 2, size.end());
  dims.push_back(r);
  out = {TensorType{theta.dtype, dims}};
  return {};
}

std::string run_affine_grid(const KernelArgs& args) {
  Dims size = args.attrs.get_ints("size");
  if (size.size() != 4 && size.size() != 5) return fail(args.name(), "size must have 4 or 5 entries");
  if (args.out[0].type.num_elements() == 0) return {};
  bool align = args.attrs.get_int("align_corners", 0) != 0;
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return apply<T>(args, size, align); });
}

}  // namespace halo::sem::kernels
