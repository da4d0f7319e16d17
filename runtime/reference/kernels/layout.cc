// layout.cc - ops that move elements without computing on them: Reshape, Transpose,
// Concat.
//
// Reshape is a copy (row-major order is unchanged by construction). Transpose walks the
// result in order and reads the source element through permuted strides. Concat views
// every operand as [outer, extent along axis * inner] and appends each operand's row
// for every outer index. They still go through the typed dispatch so that the dtypes
// ops.toml lists are the dtypes that run.
#include <algorithm>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

template <typename T>
std::string apply_reshape(const KernelArgs& args) {
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  if (x != y) std::copy(x, x + args.in[0].type.num_elements(), y);
  return {};
}

template <typename T>
std::string apply_transpose(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dy = args.out[0].type.dims;
  Dims perm = args.attrs.get_ints("perm");
  if (perm.empty())
    for (size_t i = dx.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  // Result dimension i advances the source along dimension perm[i].
  Dims x_strides = row_major_strides(dx), step(dy.size());
  for (size_t i = 0; i < dy.size(); ++i) step[i] = x_strides[perm[i]];
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  if (args.out[0].type.num_elements() == 0) return {};
  Dims index(dy.size(), 0);
  int64_t y_index = 0;
  do {
    int64_t x_index = 0;
    for (size_t i = 0; i < dy.size(); ++i) x_index += index[i] * step[i];
    y[y_index++] = x[x_index];
  } while (next_index(index, dy));
  return {};
}

template <typename T>
std::string apply_concat(const KernelArgs& args) {
  const Dims& dy = args.out[0].type.dims;
  auto axis = static_cast<size_t>(
      normalize_axis(args.attrs.get_int("axis"), static_cast<int64_t>(dy.size())));
  int64_t outer = product(dy, 0, axis), inner = product(dy, axis + 1, dy.size());
  T* y = args.out[0].as<T>();
  int64_t y_row = dy[axis] * inner;  // one outer index of the result
  int64_t offset = 0;                // where this operand's rows start within a result row
  for (const TensorView& in : args.in) {
    int64_t row = in.type.dims[axis] * inner;
    const T* x = in.as<const T>();
    for (int64_t o = 0; o < outer; ++o)
      std::copy(x + o * row, x + (o + 1) * row, y + o * y_row + offset);
    offset += row;
  }
  return {};
}

}  // namespace

std::string run_reshape(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_reshape<T>(args); });
}

std::string run_transpose(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_transpose<T>(args); });
}

std::string run_concat(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_concat<T>(args); });
}

}  // namespace halo::sem::kernels
