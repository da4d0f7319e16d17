// linalg.cc - the linear algebra family (ops/linalg.toml): Det.
//
// The determinant is computed by Gaussian elimination with partial pivoting in double:
// the product of the pivots, negated once per row swap. A zero pivot column means a
// singular matrix (determinant 0). The 0 x 0 matrix has determinant 1.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr double kMaxWork = 4e9;  // multiply-adds per call

double determinant(std::vector<double>& a, int64_t n) {
  double det = 1;
  for (int64_t c = 0; c < n; ++c) {
    int64_t pivot = c;
    for (int64_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r * n + c]) > std::fabs(a[pivot * n + c])) pivot = r;
    if (a[pivot * n + c] == 0) return 0.0;
    if (pivot != c) {
      for (int64_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[pivot * n + k]);
      det = -det;
    }
    double p = a[c * n + c];
    det *= p;
    for (int64_t r = c + 1; r < n; ++r) {
      double f = a[r * n + c] / p;
      for (int64_t k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
    }
  }
  return det;
}

template <typename T>
std::string det(const KernelArgs& args) {
  const Dims& dims = args.in[0].type.dims;
  int64_t n = dims.back();
  int64_t batch = product(dims, 0, dims.size() - 2);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  std::vector<double> a(static_cast<size_t>(n * n));
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t k = 0; k < n * n; ++k) a[static_cast<size_t>(k)] = static_cast<double>(x[b * n * n + k]);
    y[b] = static_cast<T>(determinant(a, n));
  }
  return {};
}

}  // namespace

// X [..., M, M] -> [...].
std::string shape_linalg_det(const OpSchema& s, std::span<const TensorType> in, const AttrMap&,
                             std::vector<TensorType>& out) {
  const Dims& d = in[0].dims;
  if (d.size() < 2) return fail(s.name, "X must have rank >= 2, got ", show(d));
  int64_t m = d[d.size() - 2], n = d.back();
  if (m != n || n < 0) return fail(s.name, "the last two dimensions must be known and equal, got ", show(d));
  Dims batch(d.begin(), d.end() - 2);
  bool known = true;
  for (int64_t e : batch) known = known && e >= 0;
  if (known) {
    double nd = static_cast<double>(n);
    if (static_cast<double>(product(batch, 0, batch.size())) * nd * nd * nd > kMaxWork)
      return fail(s.name, "the determinants of ", show(d), " are too much work");
  }
  out = {TensorType{in[0].dtype, batch}};
  return {};
}

std::string run_linalg_det(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_floating_point_v<T>) return det<T>(args);
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  });
}

}  // namespace halo::sem::kernels
