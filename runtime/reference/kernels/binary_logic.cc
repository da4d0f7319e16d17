// binary_logic.cc - elementwise ops of two or more operands beyond Add/Sub/Mul/Div:
// Pow, Mod, PRelu, the comparisons (Equal, Less, Greater, LessOrEqual, GreaterOrEqual),
// the logical ops (And, Or, Xor), BitShift, the bitwise ops (BitwiseAnd/Or/Xor), Where
// and the variadic Max, Min, Sum and Mean.
//
// Every op walks its (broadcast) result in row-major order and maps each result element
// back to its operands with BroadcastIndexer; only the scalar function differs. Choices
// where C++ would otherwise be undefined or the spec leaves room, all written down here:
//   - integer arithmetic wraps (two's complement), as NumPy and binary.cc do;
//   - Mod: an integer remainder by zero is 0 (NumPy's answer), INT_MIN % -1 is 0;
//     fmod = 0 on floating-point operands is rejected, as the spec requires fmod = 1;
//   - Pow with an integer base: an integer exponent is computed exactly (wrapping), a
//     negative one gives the truncated quotient (1, -1 or 0; 0 for 0^negative); a
//     floating-point exponent is computed in double and converted towards zero, NaN
//     and results outside the type's range giving its minimum (x86's conversion, as
//     NumPy and onnxruntime give there);
//   - BitShift by the bit width or more gives 0 (NumPy), never a C++ shift by >= width;
//   - float16 and bfloat16: each operation is computed in double and rounded once
//     (nearest-even) by the small converters below, which this file carries because
//     kernels.h has no C++ type for them;
//   - Max/Min propagate NaN (NumPy maximum/minimum); Sum/Mean add operand by operand
//     in the element type, as the ONNX reference and onnxruntime do.
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

// ---- element types kernels.h does not name ----------------------------------------------

// Half and BFloat16 come from kernels.h.
struct Bool8 {  // ONNX bool: one byte; any nonzero byte reads as true
  uint8_t byte;
};

template <typename T>
constexpr bool kSmallFloat = is_float16_type<T>;
template <typename T>
constexpr bool kFloatLike = std::is_floating_point_v<T> || kSmallFloat<T>;
template <typename T>
constexpr bool kInteger = std::is_integral_v<T>;

// The element as a C++ number: the small floats as double, bool as 0/1, others as is.
template <typename T>
auto value_of(T v) {
  if constexpr (is_float16_type<T>)
    return to_double(v);
  else if constexpr (std::is_same_v<T, Bool8>)
    return static_cast<int>(v.byte != 0);
  else
    return v;
}

// A double rounded once to the floating-point element type T.
template <typename T>
T float_from_double(double v) {
  if constexpr (is_float16_type<T>)
    return round_to<T>(v);
  else
    return static_cast<T>(v);
}

// A double converted to the integer type T towards zero. NaN and values outside T's
// range give T's minimum: the "integer indefinite" result of x86's conversion, which is
// what NumPy's astype (the ONNX reference) and onnxruntime produce there, made defined.
template <typename T>
T integer_from_double(double v) {
  // Both bounds are 0 or powers of two, hence exact in double.
  const double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double hi_exclusive = std::ldexp(1.0, std::numeric_limits<T>::digits);
  if (std::isnan(v) || v >= hi_exclusive || v <= lo - 1.0) return std::numeric_limits<T>::min();
  return static_cast<T>(v);
}

// a + b rounded once to the floating-point element type T (the exact sum of two values
// of these formats fits in double's 53 bits except for float and double themselves,
// which add natively).
template <typename T>
T add_rounded(T a, T b) {
  if constexpr (kSmallFloat<T>)
    return float_from_double<T>(static_cast<double>(value_of(a)) + static_cast<double>(value_of(b)));
  else
    return static_cast<T>(a + b);
}

template <typename T>
bool is_nan(T v) {
  if constexpr (kFloatLike<T>)
    return std::isnan(static_cast<double>(value_of(v)));
  else
    return false;
}

// Calls `f.template operator()<T>()` with the C++ element type of `t` (every dtype,
// the local Half/BFloat16/Bool8 included), without consulting the op's dtype list.
template <typename F>
std::string with_element_type(std::string_view op, DType t, F&& f) {
  switch (t) {
    case DType::f32: return f.template operator()<float>();
    case DType::f64: return f.template operator()<double>();
    case DType::f16: return f.template operator()<Half>();
    case DType::bf16: return f.template operator()<BFloat16>();
    case DType::i8: return f.template operator()<int8_t>();
    case DType::i16: return f.template operator()<int16_t>();
    case DType::i32: return f.template operator()<int32_t>();
    case DType::i64: return f.template operator()<int64_t>();
    case DType::u8: return f.template operator()<uint8_t>();
    case DType::u16: return f.template operator()<uint16_t>();
    case DType::u32: return f.template operator()<uint32_t>();
    case DType::u64: return f.template operator()<uint64_t>();
    case DType::boolean: return f.template operator()<Bool8>();
    default: return fail(op, "element type ", dtype_name(t), " is not implemented");
  }
}

// As with_element_type, for a type the op's table entry lists.
template <typename F>
std::string with_listed_type(const OpSchema& schema, DType t, F&& f) {
  if (!schema_lists_dtype(schema, t)) return dtype_not_implemented(schema, t);
  return with_element_type(schema.name, t, std::forward<F>(f));
}

// ---- the elementwise loop ---------------------------------------------------------------

// y[i] = f(a[.], b[.]) over the broadcast result of two operands.
template <typename A, typename B, typename Y, typename F>
std::string map2(const KernelArgs& args, F f) {
  const TensorView &a = args.in[0], &b = args.in[1];
  const A* pa = a.as<const A>();
  const B* pb = b.as<const B>();
  Y* y = args.out[0].as<Y>();
  const Dims& dims = args.out[0].type.dims;
  int64_t n = args.out[0].type.num_elements();
  BroadcastIndexer index_a(a.type.dims, dims), index_b(b.type.dims, dims);
  for (int64_t i = 0; i < n; ++i) y[i] = f(pa[index_a(i)], pb[index_b(i)]);
  return {};
}

// Integer a * b wrapping on overflow (computed in an unsigned type of at least int's size).
template <typename T>
T wrapping_mul(T a, T b) {
  using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}

// ---- Pow ----------------------------------------------------------------------------------

// base^e for an integer base and a non-negative exponent, exactly (wrapping).
template <typename T>
T integer_power(T base, uint64_t e) {
  T result = 1;
  while (e) {
    if (e & 1) result = wrapping_mul(result, base);
    e >>= 1;
    if (e) base = wrapping_mul(base, base);
  }
  return result;
}

template <typename T, typename X>
T pow_element(T a, X b) {
  if constexpr (kFloatLike<T>) {
    double r = std::pow(static_cast<double>(value_of(a)), static_cast<double>(value_of(b)));
    return float_from_double<T>(r);
  } else if constexpr (kFloatLike<X>) {
    return integer_from_double<T>(std::pow(static_cast<double>(a), static_cast<double>(value_of(b))));
  } else {
    if constexpr (std::is_signed_v<X>) {
      if (b < 0) {  // |a| >= 2 gives a fraction, truncated to 0
        if (a == 1) return 1;
        if constexpr (std::is_signed_v<T>)
          if (a == -1) return static_cast<T>((b % 2 == 0) ? 1 : -1);
        return 0;
      }
    }
    return integer_power(a, static_cast<uint64_t>(b));
  }
}

std::string run_pow(const KernelArgs& args) {
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() {
    return with_element_type(args.name(), args.in[1].type.dtype, [&]<typename X>() -> std::string {
      if constexpr (std::is_same_v<X, Bool8> || std::is_same_v<T, Bool8>)
        return fail(args.name(), "the exponent must be a number, not bool");
      else
        return map2<T, X, T>(args, [](T a, X b) { return pow_element(a, b); });
    });
  });
}

// ---- Mod ----------------------------------------------------------------------------------

template <typename T>
T mod_element(T a, T b, bool c_fmod) {
  if constexpr (kFloatLike<T>) {
    // Only fmod = 1 reaches here (the shape rule rejects 0 for floating point).
    return float_from_double<T>(std::fmod(static_cast<double>(value_of(a)), static_cast<double>(value_of(b))));
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>)
      if (b == -1) return 0;  // also spares INT_MIN % -1, which traps
    T r = static_cast<T>(a % b);  // truncated: the sign of a (C fmod)
    if constexpr (std::is_signed_v<T>)
      if (!c_fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);  // floor: the sign of b
    return r;
  }
}

std::string run_mod(const KernelArgs& args) {
  bool c_fmod = args.attrs.get_int("fmod") != 0;
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_same_v<T, Bool8>)
      return dtype_not_implemented(args.schema, DType::boolean);
    else
      return map2<T, T, T>(args, [&](T a, T b) { return mod_element(a, b, c_fmod); });
  });
}

// ---- PRelu ----------------------------------------------------------------------------------

template <typename T>
T prelu_element(T x, T slope) {
  if constexpr (kFloatLike<T>) {
    double v = static_cast<double>(value_of(x));
    return v < 0 ? float_from_double<T>(v * static_cast<double>(value_of(slope))) : x;
  } else if constexpr (std::is_signed_v<T>) {
    return x < 0 ? wrapping_mul(x, slope) : x;
  } else {
    return x;  // unsigned: never negative
  }
}

std::string run_prelu(const KernelArgs& args) {
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_same_v<T, Bool8>)
      return dtype_not_implemented(args.schema, DType::boolean);
    else
      return map2<T, T, T>(args, [](T x, T s) { return prelu_element(x, s); });
  });
}

// ---- comparisons, logical and bitwise ops ----------------------------------------------------

std::string run_compare(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() {
    // Both operands have type T, so the comparison is of one type (no mixed-sign
    // promotion); NaN compares unequal and unordered, as in IEEE and NumPy.
    return map2<T, T, uint8_t>(args, [kind](T a, T b) -> uint8_t {
      auto u = value_of(a);
      auto v = value_of(b);
      switch (kind) {
        case OpKind::Equal: return u == v;
        case OpKind::Less: return u < v;
        case OpKind::Greater: return u > v;
        case OpKind::LessOrEqual: return u <= v;
        default: return u >= v;  // GreaterOrEqual
      }
    });
  });
}

std::string run_logical(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  if (!schema_lists_dtype(args.schema, args.in[0].type.dtype))
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  return map2<Bool8, Bool8, uint8_t>(args, [kind](Bool8 a, Bool8 b) -> uint8_t {
    bool u = a.byte != 0, v = b.byte != 0;
    switch (kind) {
      case OpKind::And: return u && v;
      case OpKind::Or: return u || v;
      default: return u != v;  // Xor
    }
  });
}

std::string run_bitwise(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (!kInteger<T>) {
      return dtype_not_implemented(args.schema, args.in[0].type.dtype);
    } else {
      return map2<T, T, T>(args, [kind](T a, T b) -> T {
        switch (kind) {
          case OpKind::BitwiseAnd: return static_cast<T>(a & b);
          case OpKind::BitwiseOr: return static_cast<T>(a | b);
          default: return static_cast<T>(a ^ b);  // BitwiseXor
        }
      });
    }
  });
}

std::string run_bitshift(const KernelArgs& args) {
  bool left = args.attrs.get_string("direction") == "LEFT";
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (!kInteger<T> || std::is_signed_v<T>) {
      return dtype_not_implemented(args.schema, args.in[0].type.dtype);
    } else {
      constexpr uint64_t width = sizeof(T) * 8;
      return map2<T, T, T>(args, [left](T x, T s) -> T {
        if (static_cast<uint64_t>(s) >= width) return 0;
        uint64_t v = static_cast<uint64_t>(x);
        return static_cast<T>(left ? v << s : v >> s);
      });
    }
  });
}

// ---- Where --------------------------------------------------------------------------------

std::string run_where(const KernelArgs& args) {
  const TensorView &c = args.in[0], &x = args.in[1], &y = args.in[2];
  if (c.type.dtype != DType::boolean)
    return fail(args.name(), "condition must be bool, got ", dtype_name(c.type.dtype));
  // Where only moves elements: one instantiation per element size.
  return with_storage_type(args.schema, x.type.dtype, [&]<typename T>() {
    const uint8_t* pc = c.as<const uint8_t>();
    const T* px = x.as<const T>();
    const T* py = y.as<const T>();
    T* out = args.out[0].as<T>();
    const Dims& dims = args.out[0].type.dims;
    int64_t n = args.out[0].type.num_elements();
    BroadcastIndexer ic(c.type.dims, dims), ix(x.type.dims, dims), iy(y.type.dims, dims);
    for (int64_t i = 0; i < n; ++i) out[i] = pc[ic(i)] != 0 ? px[ix(i)] : py[iy(i)];
    return std::string();
  });
}

// ---- Max, Min, Sum, Mean ----------------------------------------------------------------------

std::string run_variadic(const KernelArgs& args) {
  OpKind kind = args.schema.kind;
  return with_listed_type(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_same_v<T, Bool8>) {
      return dtype_not_implemented(args.schema, DType::boolean);
    } else {
      const Dims& dims = args.out[0].type.dims;
      int64_t n = args.out[0].type.num_elements();
      std::vector<BroadcastIndexer> index;
      for (const TensorView& v : args.in) index.emplace_back(v.type.dims, dims);
      T* y = args.out[0].as<T>();
      size_t count = args.in.size();
      for (int64_t i = 0; i < n; ++i) {
        if (kind == OpKind::Max || kind == OpKind::Min) {
          // NumPy maximum/minimum: the first NaN wins; otherwise ties keep the earlier
          // operand (so the element's bits, e.g. the sign of zero, are an operand's).
          T best = args.in[0].as<const T>()[index[0](i)];
          for (size_t k = 1; k < count; ++k) {
            T v = args.in[k].as<const T>()[index[k](i)];
            if (is_nan(best)) break;
            bool take = is_nan(v) || (kind == OpKind::Max ? value_of(v) > value_of(best)
                                                          : value_of(v) < value_of(best));
            if (take) best = v;
          }
          y[i] = best;
        } else if constexpr (kFloatLike<T>) {  // Sum, Mean
          // Operand by operand in the element type, one rounding per addition, as the
          // ONNX reference and onnxruntime accumulate (for float16 the difference from
          // a single rounding exceeds the node tests' tolerance). Starting from the
          // first operand, not from +0, keeps -0 + -0 = -0.
          T sum = args.in[0].as<const T>()[index[0](i)];
          for (size_t k = 1; k < count; ++k) sum = add_rounded(sum, args.in[k].as<const T>()[index[k](i)]);
          if (kind == OpKind::Mean)
            sum = float_from_double<T>(static_cast<double>(value_of(sum)) / static_cast<double>(count));
          y[i] = sum;
        } else {
          return dtype_not_implemented(args.schema, args.in[0].type.dtype);
        }
      }
      return {};
    }
  });
}

// ---- shape rules ----------------------------------------------------------------------------

bool is_float_dtype(DType t) {
  return t == DType::f32 || t == DType::f64 || t == DType::f16 || t == DType::bf16;
}

// Two extents that may describe the same dimension (equal, or one is unknown).
bool compatible(int64_t a, int64_t b) { return a == b || a == kUnknownDim || b == kUnknownDim; }

std::string broadcast_all(const OpSchema& s, Types in, Dims& dims) {
  dims = in[0].dims;
  for (size_t i = 1; i < in.size(); ++i) {
    Dims next;
    std::string why = broadcast_dims(dims, in[i].dims, next);
    if (!why.empty()) return fail(s.name, why);
    dims = std::move(next);
  }
  return {};
}

}  // namespace

std::string run_binary_logic(const KernelArgs& args) {
  switch (args.schema.kind) {
    case OpKind::Pow: return run_pow(args);
    case OpKind::Mod: return run_mod(args);
    case OpKind::PRelu: return run_prelu(args);
    case OpKind::Equal:
    case OpKind::Less:
    case OpKind::Greater:
    case OpKind::LessOrEqual:
    case OpKind::GreaterOrEqual: return run_compare(args);
    case OpKind::And:
    case OpKind::Or:
    case OpKind::Xor: return run_logical(args);
    case OpKind::BitShift: return run_bitshift(args);
    case OpKind::BitwiseAnd:
    case OpKind::BitwiseOr:
    case OpKind::BitwiseXor: return run_bitwise(args);
    case OpKind::Where: return run_where(args);
    case OpKind::Max:
    case OpKind::Min:
    case OpKind::Sum:
    case OpKind::Mean: return run_variadic(args);
    default: return fail(args.name(), "not an op of the binary_logic family");
  }
}

// Comparisons: operands of one type, broadcast; the result is bool.
std::string shape_binary_logic_compare(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  Dims dims;
  if (std::string err = broadcast_all(s, in, dims); !err.empty()) return err;
  out = {TensorType{DType::boolean, dims}};
  return {};
}

// Pow: the exponent may have any numeric type; the result has the base's type.
std::string shape_binary_logic_pow(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  DType e = in[1].dtype;
  if (e == DType::boolean || dtype_size(e) == 0)
    return fail(s.name, "exponent B has element type ", dtype_name(e), ", expected a number");
  if (in[0].dtype == DType::boolean) return fail(s.name, "base A must be a number, not bool");
  Dims dims;
  if (std::string err = broadcast_all(s, in, dims); !err.empty()) return err;
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

std::string shape_binary_logic_mod(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  int64_t fmod = attrs.get_int("fmod");
  if (fmod != 0 && fmod != 1) return fail(s.name, "fmod must be 0 or 1, got ", fmod);
  if (fmod == 0 && is_float_dtype(in[0].dtype))
    return fail(s.name, "fmod must be 1 for floating-point operands (", dtype_name(in[0].dtype), ")");
  Dims dims;
  if (std::string err = broadcast_all(s, in, dims); !err.empty()) return err;
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

// PRelu: slope broadcasts onto X one way only; the result has X's type and shape.
std::string shape_binary_logic_prelu(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  const Dims &x = in[0].dims, &slope = in[1].dims;
  bool ok = slope.size() <= x.size();
  for (size_t i = 0; ok && i < slope.size(); ++i)
    ok = slope[i] == 1 || compatible(slope[i], x[x.size() - slope.size() + i]);
  if (!ok) return fail(s.name, "slope of shape ", show(slope), " does not broadcast to X ", show(x));
  out = {in[0]};
  return {};
}

std::string shape_binary_logic_bitshift(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  std::string direction = attrs.get_string("direction");
  if (direction != "LEFT" && direction != "RIGHT")
    return fail(s.name, "direction must be LEFT or RIGHT, got '", direction, "'");
  Dims dims;
  if (std::string err = broadcast_all(s, in, dims); !err.empty()) return err;
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

// Where: bool condition; X and Y of one type; all three broadcast together.
std::string shape_binary_logic_where(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  if (in[0].dtype != DType::boolean)
    return fail(s.name, "condition has element type ", dtype_name(in[0].dtype), ", expected bool");
  if (in[1].dtype != in[2].dtype)
    return fail(s.name, "X and Y have different element types ", dtype_name(in[1].dtype), " and ",
                dtype_name(in[2].dtype));
  Dims dims;
  if (std::string err = broadcast_all(s, in, dims); !err.empty()) return err;
  out = {TensorType{in[1].dtype, dims}};
  return {};
}

// Max, Min, Sum, Mean: one or more operands of one type, all broadcast together.
std::string shape_binary_logic_variadic(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  Dims dims;
  if (std::string err = broadcast_all(s, in, dims); !err.empty()) return err;
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

}  // namespace halo::sem::kernels
