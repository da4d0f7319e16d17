// unary_math.cc - elementwise math of one operand (ops/unary_math.toml): Abs, Neg, Exp,
// Log, Sqrt, Reciprocal, Floor, Ceil, Round, Sign, Erf, the trigonometric and hyperbolic
// functions, the activations Softplus ... Shrink, the predicates IsNaN and IsInf, Not,
// BitwiseNot and Cast.
//
// Floating-point functions compute in double and round once to the element type, as in
// unary.cc, so f32 results are as close to the exact value as libm's double allows: what
// an oracle for faster kernels should be. Integer Abs and Neg wrap (the most negative
// value maps to itself) instead of overflowing. Cast is the one place that converts
// between element types, including the 16-bit floats, which C++ has no arithmetic type
// for: they are decoded exactly and encoded with one rounding to nearest even. The
// one-byte float8/float4 types convert through float_formats.h (ONNX's saturate and
// round_mode attributes apply there); int4/uint4 behave as integers of their width.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <type_traits>

#include "float_formats.h"
#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// ---- element types beyond the C++ arithmetic types -------------------------------------

/// Bool elements (one byte, nonzero is true), a distinct type so that templates tell it
/// apart; Half and BFloat16 come from kernels.h.
struct Bool {
  uint8_t byte;
};
static_assert(sizeof(Bool) == 1);

/// The one-byte types after bool in dtype.h (float8 kinds, float4, int4, uint4): one byte
/// per element, see there. The DType is part of the C++ type so templates tell them apart.
template <DType K>
struct Narrow {
  uint8_t byte;
};
template <typename T>
constexpr bool is_narrow = false;
template <DType K>
constexpr bool is_narrow<Narrow<K>> = true;
template <typename T>
constexpr DType narrow_kind = DType::undefined;
template <DType K>
constexpr DType narrow_kind<Narrow<K>> = K;

/// Calls `f.template operator()<T>()` with the element type of `t`: the C++ arithmetic
/// types of with_numeric_dtype, plus Half, BFloat16, Bool and the Narrow types.
template <typename F>
std::string with_any_dtype(const OpSchema& schema, DType t, F&& f) {
  if (!schema_lists_dtype(schema, t)) return dtype_not_implemented(schema, t);
  switch (t) {
    case DType::f16: return f.template operator()<Half>();
    case DType::bf16: return f.template operator()<BFloat16>();
    case DType::boolean: return f.template operator()<Bool>();
    case DType::f8e4m3fn: return f.template operator()<Narrow<DType::f8e4m3fn>>();
    case DType::f8e4m3fnuz: return f.template operator()<Narrow<DType::f8e4m3fnuz>>();
    case DType::f8e5m2: return f.template operator()<Narrow<DType::f8e5m2>>();
    case DType::f8e5m2fnuz: return f.template operator()<Narrow<DType::f8e5m2fnuz>>();
    case DType::f8e8m0: return f.template operator()<Narrow<DType::f8e8m0>>();
    case DType::i4: return f.template operator()<Narrow<DType::i4>>();
    case DType::u4: return f.template operator()<Narrow<DType::u4>>();
    case DType::f4e2m1: return f.template operator()<Narrow<DType::f4e2m1>>();
    default: return with_numeric_dtype(schema, t, std::forward<F>(f));
  }
}

// ---- Cast ---------------------------------------------------------------------------------

/// A floating-point value truncated toward zero and saturated to the integer type D
/// (NaN gives 0): C++ leaves out-of-range conversions undefined, ONNX unspecified.
template <typename D>
D truncate_saturating(double v) {
  if (std::isnan(v)) return D{0};
  double t = std::trunc(v);
  // 2^digits is one past D's maximum; lowest() is 0 or -2^digits, all exact in double.
  if (t >= std::ldexp(1.0, std::numeric_limits<D>::digits)) return std::numeric_limits<D>::max();
  if (t <= static_cast<double>(std::numeric_limits<D>::lowest())) return std::numeric_limits<D>::lowest();
  return static_cast<D>(t);
}

/// Cast's attributes: they matter only for float8 results (saturate) and e8m0 results
/// (saturate, round_mode).
struct CastMode {
  bool saturate = true;
  E8M0Rounding rounding = E8M0Rounding::up;
};

/// One element converted from S to D.
template <typename D, typename S>
D convert(S s, const CastMode& mode) {
  if constexpr (is_narrow<S>) {
    constexpr DType k = narrow_kind<S>;
    if constexpr (k == DType::i4) return convert<D>(static_cast<int8_t>(s.byte), mode);  // sign-extended
    else if constexpr (k == DType::u4) return convert<D>(static_cast<uint8_t>(s.byte & 0x0F), mode);
    else return convert<D>(narrow_float_to_double(k, s.byte), mode);  // exact
  } else if constexpr (is_float16_type<S>) {
    return convert<D>(to_double(s), mode);  // exact
  } else if constexpr (std::is_same_v<S, Bool>) {
    return convert<D>(static_cast<uint8_t>(s.byte != 0), mode);
  } else if constexpr (std::is_same_v<D, Bool>) {
    return Bool{static_cast<uint8_t>(s != 0)};  // NaN is true, as in NumPy
  } else if constexpr (is_float16_type<D>) {
    return round_to<D>(static_cast<long double>(s));
  } else if constexpr (is_narrow<D>) {
    constexpr DType k = narrow_kind<D>;
    if constexpr (k == DType::i4 || k == DType::u4) {
      // Integers wrap to the low 4 bits as the spec says of narrowing integer casts;
      // floats are truncated first (non-finite values give 0, as ONNX's reference does).
      int64_t i = 0;
      if constexpr (std::is_floating_point_v<S>)
        i = std::isfinite(s) ? truncate_saturating<int64_t>(static_cast<double>(s)) : 0;
      else
        i = static_cast<int64_t>(s);
      auto nibble = static_cast<uint8_t>(static_cast<uint64_t>(i) & 0x0F);
      if (k == DType::i4 && (nibble & 0x08)) nibble |= 0xF0;
      return D{nibble};
    } else if constexpr (k == DType::f8e8m0) {
      return D{e8m0_from_double(static_cast<double>(s), mode.saturate, mode.rounding)};
    } else {
      // Every value of the source types that fits a float8 is exact in double, so this
      // rounds once.
      return D{narrow_float_from_double(k, static_cast<double>(s), mode.saturate)};
    }
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    return truncate_saturating<D>(static_cast<double>(s));
  } else {
    // Integer to integer wraps modulo 2^bits (C++20); to a float rounds to nearest.
    return static_cast<D>(s);
  }
}

// ---- the scalar functions -------------------------------------------------------------------

/// Rounds to the nearest integer, halves to even, independent of the FP environment.
double round_half_even(double v) {
  double r = std::round(v);  // halves away from zero
  if (std::fabs(v - std::trunc(v)) == 0.5) r = 2.0 * std::round(v / 2.0);
  return r;
}

/// log(1 + e^v) without overflow for large v.
double softplus(double v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); }

/// y[i] = f(x[i]) computed in double, rounded once to T.
template <typename T, typename F>
void map(const KernelArgs& args, F f) {
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n = args.in[0].type.num_elements();
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(f(static_cast<double>(x[i])));
}

// The floating-point ops; attributes are read once, outside the element loop.
template <typename T>
std::string apply_float(OpKind kind, const KernelArgs& args) {
  const AttrMap& a = args.attrs;
  double alpha = a.get_float("alpha"), beta = a.get_float("beta"), gamma = a.get_float("gamma");
  switch (kind) {
    case OpKind::Abs: map<T>(args, [](double v) { return std::fabs(v); }); break;
    case OpKind::Neg: map<T>(args, [](double v) { return -v; }); break;
    case OpKind::Exp: map<T>(args, [](double v) { return std::exp(v); }); break;
    case OpKind::Log: map<T>(args, [](double v) { return std::log(v); }); break;
    case OpKind::Sqrt: map<T>(args, [](double v) { return std::sqrt(v); }); break;
    case OpKind::Reciprocal: map<T>(args, [](double v) { return 1.0 / v; }); break;
    case OpKind::Floor: map<T>(args, [](double v) { return std::floor(v); }); break;
    case OpKind::Ceil: map<T>(args, [](double v) { return std::ceil(v); }); break;
    case OpKind::Round: map<T>(args, round_half_even); break;
    // Zeros (of either sign) and NaN are their own sign.
    case OpKind::Sign: map<T>(args, [](double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; }); break;
    case OpKind::Erf: map<T>(args, [](double v) { return std::erf(v); }); break;
    case OpKind::Sin: map<T>(args, [](double v) { return std::sin(v); }); break;
    case OpKind::Cos: map<T>(args, [](double v) { return std::cos(v); }); break;
    case OpKind::Tan: map<T>(args, [](double v) { return std::tan(v); }); break;
    case OpKind::Asin: map<T>(args, [](double v) { return std::asin(v); }); break;
    case OpKind::Acos: map<T>(args, [](double v) { return std::acos(v); }); break;
    case OpKind::Atan: map<T>(args, [](double v) { return std::atan(v); }); break;
    case OpKind::Sinh: map<T>(args, [](double v) { return std::sinh(v); }); break;
    case OpKind::Cosh: map<T>(args, [](double v) { return std::cosh(v); }); break;
    case OpKind::Asinh: map<T>(args, [](double v) { return std::asinh(v); }); break;
    case OpKind::Acosh: map<T>(args, [](double v) { return std::acosh(v); }); break;
    case OpKind::Atanh: map<T>(args, [](double v) { return std::atanh(v); }); break;
    case OpKind::Softplus: map<T>(args, softplus); break;
    case OpKind::Softsign: map<T>(args, [](double v) { return v / (1.0 + std::fabs(v)); }); break;
    // The comparisons are written so that NaN takes the branch that propagates it.
    case OpKind::Elu: map<T>(args, [&](double v) { return v < 0 ? alpha * std::expm1(v) : v; }); break;
    case OpKind::Selu:
      map<T>(args, [&](double v) { return gamma * (v > 0 ? v : alpha * std::expm1(v)); });
      break;
    case OpKind::Celu:
      map<T>(args, [&](double v) { return v > 0 ? v : alpha * std::expm1(v / alpha); });
      break;
    // std::max/std::min keep a NaN in first position, so NaN stays NaN.
    case OpKind::HardSigmoid:
      map<T>(args, [&](double v) { return std::min(std::max(alpha * v + beta, 0.0), 1.0); });
      break;
    case OpKind::HardSwish:
      map<T>(args, [](double v) { return v * std::min(std::max(v / 6.0 + 0.5, 0.0), 1.0); });
      break;
    case OpKind::Mish: map<T>(args, [](double v) { return v * std::tanh(softplus(v)); }); break;
    case OpKind::Gelu:
      if (a.get_string("approximate") == "tanh") {
        const double k = std::sqrt(2.0 / std::numbers::pi);
        map<T>(args, [&](double v) { return 0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v))); });
      } else {
        // erfc keeps the accuracy for large negative v, where 1 + erf(...) cancels.
        map<T>(args, [](double v) { return 0.5 * v * std::erfc(-v / std::numbers::sqrt2); });
      }
      break;
    // As ONNX's reference (NumPy where): NaN fails every comparison and gives 0.
    case OpKind::ThresholdedRelu: map<T>(args, [&](double v) { return v > alpha ? v : 0.0; }); break;
    case OpKind::Shrink: {
      double bias = a.get_float("bias"), lambd = a.get_float("lambd");
      map<T>(args, [&](double v) { return v < -lambd ? v + bias : v > lambd ? v - bias : 0.0; });
      break;
    }
    default:
      return fail(args.name(), "not a floating-point unary op");
  }
  return {};
}

// Abs, Neg, Sign and BitwiseNot of integers, wrapping through the unsigned type.
template <typename T>
std::string apply_integer(OpKind kind, const KernelArgs& args) {
  // Types narrower than int would be promoted to (signed) int: negate in unsigned int.
  using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n = args.in[0].type.num_elements();
  auto negate = [](T v) { return static_cast<T>(U{0} - static_cast<U>(v)); };
  auto negative = [](T v) {
    if constexpr (std::is_signed_v<T>) return v < 0;
    return false;
  };
  for (int64_t i = 0; i < n; ++i) {
    T v = x[i];
    switch (kind) {
      case OpKind::Abs: y[i] = negative(v) ? negate(v) : v; break;
      case OpKind::Neg: y[i] = negate(v); break;
      case OpKind::Sign: y[i] = negative(v) ? static_cast<T>(-1) : static_cast<T>(v != 0); break;
      case OpKind::BitwiseNot: y[i] = static_cast<T>(~static_cast<U>(v)); break;
      default: return fail(args.name(), "not an integer unary op");
    }
  }
  return {};
}

// IsNaN and IsInf: any floating type in, bool out.
template <typename T>
std::string apply_predicate(OpKind kind, const KernelArgs& args) {
  const T* x = args.in[0].as<const T>();
  uint8_t* y = args.out[0].as<uint8_t>();
  int64_t n = args.in[0].type.num_elements();
  bool positive = args.attrs.get_int("detect_positive", 1) != 0;
  bool negative = args.attrs.get_int("detect_negative", 1) != 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = 0;
    if constexpr (is_float16_type<T>)
      v = to_double(x[i]);
    else
      v = static_cast<double>(x[i]);
    bool r = kind == OpKind::IsNaN ? std::isnan(v) : std::isinf(v) && (v > 0 ? positive : negative);
    y[i] = r ? 1 : 0;
  }
  return {};
}

}  // namespace

// ---- shape rules -----------------------------------------------------------------------------

// A bool result of the operand's shape (IsNaN, IsInf).
std::string shape_unary_bool(const OpSchema& s, std::span<const TensorType> in, const AttrMap&,
                             std::vector<TensorType>& out) {
  out = {TensorType{DType::boolean, in[0].dims}};
  return {};
}

// The operand's shape with the element type named by `dtype`.
std::string shape_cast(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                       std::vector<TensorType>& out) {
  std::string name = attrs.get_string("dtype");
  auto t = dtype_from_name(name);
  if (!t) return fail(s.name, "dtype '", name, "' is not an element type");
  std::string rounding = attrs.get_string("round_mode", "up");
  if (rounding != "up" && rounding != "down" && rounding != "nearest")
    return fail(s.name, "round_mode must be \"up\", \"down\" or \"nearest\", got \"", rounding, "\"");
  out = {TensorType{*t, in[0].dims}};
  return {};
}

// The operand's type, once `approximate` is known to be "none" or "tanh".
std::string shape_gelu(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                       std::vector<TensorType>& out) {
  std::string mode = attrs.get_string("approximate");
  if (mode != "none" && mode != "tanh")
    return fail(s.name, "approximate must be \"none\" or \"tanh\", got \"", mode, "\"");
  out = {in[0]};
  return {};
}

// ---- kernels ---------------------------------------------------------------------------------

std::string run_unary_math(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  DType t = args.in[0].type.dtype;
  switch (kind) {
    case OpKind::IsNaN:
    case OpKind::IsInf:
      return with_any_dtype(args.schema, t, [&]<typename T>() {
        if constexpr (is_float16_type<T> || std::is_floating_point_v<T>) return apply_predicate<T>(kind, args);
        return dtype_not_implemented(args.schema, t);
      });
    case OpKind::Not: {
      const uint8_t* x = args.in[0].as<const uint8_t>();
      uint8_t* y = args.out[0].as<uint8_t>();
      for (int64_t i = 0, n = args.in[0].type.num_elements(); i < n; ++i) y[i] = x[i] ? 0 : 1;
      return {};
    }
    default:
      if (has_float16(args)) return run_widened(args, run_unary_math);  // in double, rounded once
      return with_numeric_dtype(args.schema, t, [&]<typename T>() {
        if constexpr (std::is_floating_point_v<T>)
          return apply_float<T>(kind, args);
        else
          return apply_integer<T>(kind, args);
      });
  }
}

std::string run_cast(const KernelArgs& args) {
  const TensorView &x = args.in[0], &y = args.out[0];
  int64_t n = x.type.num_elements();
  CastMode mode;
  mode.saturate = args.attrs.get_int("saturate", 1) != 0;
  std::string rounding = args.attrs.get_string("round_mode", "up");
  if (rounding == "down") mode.rounding = E8M0Rounding::down;
  else if (rounding == "nearest") mode.rounding = E8M0Rounding::nearest;
  else if (rounding != "up") return fail(args.name(), "round_mode must be \"up\", \"down\" or \"nearest\", got \"", rounding, "\"");
  return with_any_dtype(args.schema, x.type.dtype, [&]<typename S>() {
    return with_any_dtype(args.schema, y.type.dtype, [&]<typename D>() {
      const S* src = x.as<const S>();
      D* dst = y.as<D>();
      for (int64_t i = 0; i < n; ++i) dst[i] = convert<D>(src[i], mode);
      return std::string();
    });
  });
}

}  // namespace halo::sem::kernels
