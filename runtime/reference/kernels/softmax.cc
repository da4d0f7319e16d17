// softmax.cc - Softmax along one axis (ONNX opset 13 semantics).
//
// Softmax normalizes along a single axis, unlike the pre-13 "flatten to 2-D" variant.
// The tensor is viewed as [outer, n, inner] around that axis; each of the outer*inner
// lines of n elements is exponentiated after subtracting its maximum (so large inputs
// cannot overflow exp) and divided by its sum, all in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

template <typename T>
std::string apply(const KernelArgs& args) {
  const Dims& dims = args.in[0].type.dims;
  auto axis = static_cast<size_t>(
      normalize_axis(args.attrs.get_int("axis", -1), static_cast<int64_t>(dims.size())));
  int64_t outer = product(dims, 0, axis), n = dims[axis];
  int64_t inner = product(dims, axis + 1, dims.size());
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  std::vector<double> e(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      // Element j of this line sits at base + j * inner.
      int64_t base = o * n * inner + i;
      double max = -std::numeric_limits<double>::infinity();
      for (int64_t j = 0; j < n; ++j) max = std::max(max, static_cast<double>(x[base + j * inner]));
      double sum = 0;
      for (int64_t j = 0; j < n; ++j) sum += e[j] = std::exp(x[base + j * inner] - max);
      for (int64_t j = 0; j < n; ++j) y[base + j * inner] = static_cast<T>(e[j] / sum);
    }
  }
  return {};
}

}  // namespace

std::string check_softmax(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a) {
  int64_t rank = static_cast<int64_t>(in[0].rank());
  if (normalize_axis(a.get_int("axis", -1), rank) < 0)
    return fail(s.name, "axis ", a.get_int("axis", -1), " is out of range for rank ", rank);
  return {};
}

std::string run_softmax(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_softmax);  // f16/bf16: in double, rounded once
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(args); });
}

}  // namespace halo::sem::kernels
