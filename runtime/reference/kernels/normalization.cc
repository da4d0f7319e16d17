// normalization.cc - BatchNormalization in inference mode.
//
// With running statistics the op is an affine map per channel (axis 1):
// y = scale * (x - mean) / sqrt(var + epsilon) + B. The reference evaluates exactly that
// expression in double for every element instead of folding it into one multiply-add,
// so it stays the literal definition that folded fast paths are checked against.
#include <cmath>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

template <typename T>
std::string apply(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  int64_t batch = dx[0], channels = dx[1], size = product(dx, 2, dx.size());
  double epsilon = args.attrs.get_float("epsilon", 1e-5);
  const T* x = args.in[0].as<const T>();
  const T* scale = args.in[1].as<const T>();
  const T* bias = args.in[2].as<const T>();
  const T* mean = args.in[3].as<const T>();
  const T* var = args.in[4].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < size; ++i) {
        int64_t at = (n * channels + c) * size + i;
        double v = (static_cast<double>(x[at]) - static_cast<double>(mean[c])) /
                   std::sqrt(static_cast<double>(var[c]) + epsilon);
        y[at] = static_cast<T>(static_cast<double>(scale[c]) * v + static_cast<double>(bias[c]));
      }
  return {};
}

}  // namespace

std::string check_batch_norm(const OpSchema& s, std::span<const TensorType> in, const AttrMap&) {
  const TensorType& x = in[0];
  if (x.rank() < 2) return fail(s.name, "X must have rank >= 2 (N, C, ...), got ", show(x.dims));
  for (size_t i = 1; i < 5; ++i) {
    const Dims& d = in[i].dims;
    if (d.size() != 1 || (d[0] != x.dims[1] && d[0] != kUnknownDim && x.dims[1] != kUnknownDim))
      return fail(s.name, "operand ", s.operands[i].name, " must have shape [", x.dims[1],
                  "] (the channels of X), got ", show(d));
  }
  return {};
}

std::string run_batch_norm(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(args); });
}

}  // namespace halo::sem::kernels
