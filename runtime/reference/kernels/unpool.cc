// unpool.cc - MaxUnpool (ONNX opset 22 semantics).
//
// The unpooled shape is [N, C, (D - 1) * stride - pad_begin - pad_end + kernel ...]; I
// holds, for each element of X, its flat (row-major, whole-tensor) index in that shape,
// as MaxPool's Indices output gives them. The result starts as zeros, receives each X
// element at its index (a later element wins when two share one), and when output_shape
// is given and larger, is the unpooled tensor zero-extended at the end of each axis -
// which is what ONNX's reference implementation and its node tests do.
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr int64_t kMaxParam = int64_t{1} << 24;

// The unpooled shape and the result shape.
std::string read_shapes(const OpSchema& s, const TensorType& x, const AttrMap& a, Dims& unpooled, Dims& result) {
  if (x.rank() < 3) return fail(s.name, "X must be [N, C, D...], got ", show(x.dims));
  if (!x.is_static()) return fail(s.name, "X must have a static shape, got ", show(x.dims));
  size_t r = x.rank() - 2;
  Dims kernel = a.get_ints("kernel_shape"), pads = a.get_ints("pads"), strides = a.get_ints("strides");
  if (pads.empty()) pads.assign(2 * r, 0);
  if (strides.empty()) strides.assign(r, 1);
  if (kernel.size() != r || pads.size() != 2 * r || strides.size() != r)
    return fail(s.name, "kernel_shape, strides and pads need ", r, ", ", r, " and ", 2 * r, " entries for X ", show(x.dims));
  unpooled = {x.dims[0], x.dims[1]};
  for (size_t d = 0; d < r; ++d) {
    if (kernel[d] < 1 || kernel[d] > kMaxParam || strides[d] < 1 || strides[d] > kMaxParam || pads[d] < 0 ||
        pads[d] > kMaxParam || pads[d + r] < 0 || pads[d + r] > kMaxParam)
      return fail(s.name, "kernel_shape, strides or pads out of range");
    int64_t extent = x.dims[2 + d] == 0 ? 0 : (x.dims[2 + d] - 1) * strides[d] - pads[d] - pads[d + r] + kernel[d];
    if (extent < 0) return fail(s.name, "the pads exceed the unpooled extent along axis ", d);
    unpooled.push_back(extent);
  }
  result = a.get_ints("output_shape");
  if (result.empty()) {
    result = unpooled;
    return {};
  }
  if (result.size() != x.rank())
    return fail(s.name, "output_shape ", show(result), " must have one entry per dimension of X ", show(x.dims));
  for (size_t d = 0; d < result.size(); ++d)
    if (result[d] < unpooled[d] || (d < 2 && result[d] != unpooled[d]))
      return fail(s.name, "output_shape ", show(result), " is smaller than the unpooled shape ", show(unpooled));
  return {};
}

template <typename T, typename I>
std::string apply(const KernelArgs& args, const Dims& unpooled) {
  const T* x = args.in[0].as<const T>();
  const I* index = args.in[1].as<const I>();
  T* y = args.out[0].as<T>();
  const Dims& dy = args.out[0].type.dims;
  int64_t total = product(unpooled, 0, unpooled.size());
  int64_t count = args.in[0].type.num_elements();
  for (int64_t k = 0; k < args.out[0].type.num_elements(); ++k) y[k] = T(0);
  Dims ys = row_major_strides(dy), us = row_major_strides(unpooled);
  for (int64_t k = 0; k < count; ++k) {
    auto at = static_cast<int64_t>(index[k]);
    if (at < 0 || at >= total)
      return fail(args.name(), "index ", at, " of element ", k, " is outside the unpooled shape ", show(unpooled));
    // the same position in the (possibly larger) result
    int64_t dst = 0;
    for (size_t d = 0; d < unpooled.size(); ++d) dst += (at / us[d]) % unpooled[d] * ys[d];
    y[dst] = x[k];
  }
  return {};
}

}  // namespace

std::string shape_max_unpool(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                             std::vector<TensorType>& out) {
  const TensorType &x = in[0], &index = in[1];
  if (x.dtype != DType::f32 && x.dtype != DType::f64) return dtype_not_implemented(s, x.dtype);
  if (index.dtype != DType::i64 && index.dtype != DType::i32)
    return fail(s.name, "I must be int64 or int32, got ", dtype_name(index.dtype));
  if (index.dims != x.dims) return fail(s.name, "I ", show(index.dims), " must have the shape of X ", show(x.dims));
  Dims unpooled, result;
  if (std::string e = read_shapes(s, x, a, unpooled, result); !e.empty()) return e;
  out = {TensorType{x.dtype, result}};
  return {};
}

std::string run_max_unpool(const KernelArgs& args) {
  Dims unpooled, result;
  if (std::string e = read_shapes(args.schema, args.in[0].type, args.attrs, unpooled, result); !e.empty()) return e;
  bool i64 = args.in[1].type.dtype == DType::i64;
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() {
    return i64 ? apply<T, int64_t>(args, unpooled) : apply<T, int32_t>(args, unpooled);
  });
}

}  // namespace halo::sem::kernels
