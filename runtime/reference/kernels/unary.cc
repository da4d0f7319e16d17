// unary.cc - elementwise ops of one operand: Identity, Relu, LeakyRelu, Sigmoid, Tanh, Clip.
//
// Each op is a scalar function applied to every element. The functions compute in
// double and round once to the element type, so the f32 results are the correctly
// rounded values of the mathematical function as far as libm's double is, which is
// what an oracle for faster kernels should be.
#include <algorithm>
#include <cmath>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// The scalar function of `kind`; attributes are read once, outside the element loop.
template <typename T>
std::string apply(OpKind kind, const KernelArgs& args) {
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n = args.in[0].type.num_elements();
  double alpha = args.attrs.get_float("alpha", 0.01);
  double lo = args.attrs.get_float("min"), hi = args.attrs.get_float("max");

  auto map = [&](auto f) {
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(f(static_cast<double>(x[i])));
    return std::string();
  };
  switch (kind) {
    case OpKind::Identity:
      if (x != y) std::copy(x, x + n, y);  // exact for every type, even wide integers
      return {};
    // `v < 0 ? ... : v` lets NaN through, as NumPy's maximum does.
    case OpKind::Relu:
      return map([](double v) { return v < 0 ? 0.0 : v; });
    case OpKind::LeakyRelu:
      return map([&](double v) { return v < 0 ? alpha * v : v; });
    case OpKind::Sigmoid:
      return map([](double v) { return 1.0 / (1.0 + std::exp(-v)); });
    case OpKind::Tanh:
      return map([](double v) { return std::tanh(v); });
    // std::max/std::min keep a NaN operand in first position, so NaN stays NaN.
    case OpKind::Clip:
      return map([&](double v) { return std::min(std::max(v, lo), hi); });
    default:
      return fail(args.name(), "not a unary op");
  }
}

}  // namespace

std::string run_unary(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  if (kind == OpKind::Identity)  // moves elements only: every element type of a size at once
    return with_storage_type(args.schema, args.in[0].type.dtype,
                             [&]<typename T>() { return apply<T>(kind, args); });
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(kind, args); });
}

}  // namespace halo::sem::kernels
