// unary.cc - elementwise ops of one operand: Identity, Relu, LeakyRelu, Sigmoid, Tanh, Clip.
//
// Each op is a scalar function applied to every element. The functions compute in
// double and round once to the element type, so the f32 results are the correctly
// rounded values of the mathematical function as far as libm's double is, which is
// what an oracle for faster kernels should be.
//
// Clip's bounds are float attributes whose defaults, +-FLT_MAX (the ONNX defaults before
// opset 11), mean "no bound" for every element type: an f64 beyond FLT_MAX is not
// clamped. Integer Clip clamps in the element type itself (bounds rounded inward and
// saturated to its range), so 64-bit values are exact.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// Clip's attribute defaults (ops/ops.toml): the largest float, exactly.
constexpr double kNoBound = 3.4028234663852886e38;

// y = min(max(x, lo), hi) for one element type; an absent bound is +-infinity.
template <typename T>
std::string clip(const KernelArgs& args) {
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n = args.in[0].type.num_elements();
  double lo = args.attrs.get_float("min", -kNoBound), hi = args.attrs.get_float("max", kNoBound);
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (lo == -kNoBound) lo = -inf;
  if (hi == kNoBound) hi = inf;
  if constexpr (std::is_floating_point_v<T>) {
    // std::max/std::min keep a NaN operand in first position, so NaN stays NaN.
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(std::min(std::max(static_cast<double>(x[i]), lo), hi));
  } else {
    // Integers: the smallest T >= lo and the largest T <= hi, saturated to T's range.
    auto to_t = [](double v) {
      constexpr double tmin = static_cast<double>(std::numeric_limits<T>::lowest());
      if (std::isnan(v) || v <= tmin) return std::numeric_limits<T>::lowest();
      if (v >= std::ldexp(1.0, std::numeric_limits<T>::digits)) return std::numeric_limits<T>::max();
      return static_cast<T>(v);
    };
    T tlo = to_t(std::ceil(lo)), thi = to_t(std::floor(hi));
    if (std::isnan(lo)) tlo = std::numeric_limits<T>::lowest();
    if (std::isnan(hi)) thi = std::numeric_limits<T>::max();
    // As for floats (and NumPy's clip): max first, then min, so min > max gives max.
    for (int64_t i = 0; i < n; ++i) y[i] = std::min(std::max(x[i], tlo), thi);
  }
  return {};
}

// The scalar function of `kind`; attributes are read once, outside the element loop.
template <typename T>
std::string apply(OpKind kind, const KernelArgs& args) {
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n = args.in[0].type.num_elements();
  double alpha = args.attrs.get_float("alpha", 0.01);

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
  if (has_float16(args)) return run_widened(args, run_unary);  // f16/bf16: in double, rounded once
  if (kind == OpKind::Clip)
    return with_numeric_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return clip<T>(args); });
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(kind, args); });
}

}  // namespace halo::sem::kernels
