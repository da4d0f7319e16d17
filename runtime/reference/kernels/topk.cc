// topk.cc - TopK: the k extreme elements along one axis, with their indices.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels.h"

namespace halo::sem::kernels {

namespace {

// Orders candidate indices i, j of one line: the larger (or smaller) value first, and
// among equal values the lower index first, which is what ONNX's tests expect. NaN sorts
// as the largest value, like NumPy's sort.
template <typename T>
bool before(T a, T b, int64_t i, int64_t j, bool largest) {
  if constexpr (std::is_floating_point_v<T>) {
    bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) {
      if (na && nb) return i < j;
      return largest ? na : nb;
    }
  }
  if (a != b) return largest ? a > b : a < b;
  return i < j;
}

template <typename T>
std::string topk(const KernelArgs& args, size_t axis, int64_t k) {
  const Dims& dims = args.in[0].type.dims;
  int64_t outer = product(dims, 0, axis), n = dims[axis], inner = product(dims, axis + 1, dims.size());
  bool largest = args.attrs.get_int("largest", 1) != 0;
  const T* x = args.in[0].as<const T>();
  T* values = args.out[0].as<T>();
  auto* indices = args.out[1].as<int64_t>();
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T* line = x + o * n * inner + i;
      std::iota(order.begin(), order.end(), 0);
      // sorted=0 allows any order; giving the sorted one is always correct.
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
        return before(line[a * inner], line[b * inner], a, b, largest);
      });
      for (int64_t j = 0; j < k; ++j) {
        int64_t at = o * k * inner + j * inner + i;
        values[at] = line[order[static_cast<size_t>(j)] * inner];
        indices[at] = order[static_cast<size_t>(j)];
      }
    }
  return {};
}

}  // namespace

std::string shape_topk(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                       std::vector<TensorType>& out) {
  const TensorType& x = in[0];
  if (x.rank() == 0) return fail(s.name, "needs an operand of rank 1 or more");
  int64_t axis = normalize_axis(attrs.get_int("axis", -1), static_cast<int64_t>(x.rank()));
  if (axis < 0) return fail(s.name, "axis ", attrs.get_int("axis", -1), " is out of range for rank ", x.rank());
  int64_t k = attrs.get_int("k");
  int64_t n = x.dims[static_cast<size_t>(axis)];
  if (k < 0 || (n >= 0 && k > n)) return fail(s.name, "k = ", k, " is not in [0, ", n, "] (the extent of axis ", axis, ")");
  Dims y = x.dims;
  y[static_cast<size_t>(axis)] = k;
  out = {TensorType{x.dtype, y}, TensorType{DType::i64, y}};
  return {};
}

std::string run_topk(const KernelArgs& args) {
  const TensorType& x = args.in[0].type;
  auto axis = static_cast<size_t>(normalize_axis(args.attrs.get_int("axis", -1), static_cast<int64_t>(x.rank())));
  int64_t k = args.attrs.get_int("k");
  return with_numeric_dtype(args.schema, x.dtype, [&]<typename T>() { return topk<T>(args, axis, k); });
}

}  // namespace halo::sem::kernels
