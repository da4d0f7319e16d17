// binary.cc - elementwise ops of two operands with NumPy broadcasting: Add, Sub, Mul, Div.
//
// All four share one loop over the broadcast result (BroadcastIndexer maps each result
// element back to its operands); only the scalar operation differs. Integer arithmetic
// is defined to wrap (two's complement, as NumPy does) instead of being undefined on
// overflow, integer Div truncates toward zero, and an integer division by zero is
// reported as an error before anything is written rather than trapping the process.
#include <limits>
#include <type_traits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// a (op) b for integers, wrapping on overflow via the unsigned type.
template <typename T>
T integer_op(OpKind kind, T a, T b) {
  // Types narrower than int would be promoted to (signed) int, where a product can
  // overflow: compute in unsigned int at least.
  using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
  switch (kind) {
    case OpKind::Add:
      return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
    case OpKind::Sub:
      return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
    case OpKind::Mul:
      return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
    default:
      // min / -1 is the one quotient that overflows (and traps on x86); it wraps to min.
      if constexpr (std::is_signed_v<T>)
        if (a == std::numeric_limits<T>::min() && b == T(-1)) return a;
      return static_cast<T>(a / b);  // C++ truncates toward zero; b != 0 was checked by the caller
  }
}

template <typename T>
T float_op(OpKind kind, T a, T b) {
  switch (kind) {
    case OpKind::Add:
      return a + b;
    case OpKind::Sub:
      return a - b;
    case OpKind::Mul:
      return a * b;
    default:
      return a / b;  // IEEE: x/0 is +-inf or NaN
  }
}

template <typename T>
std::string apply(OpKind kind, const KernelArgs& args) {
  const TensorView &a = args.in[0], &b = args.in[1];
  const T* pa = a.as<const T>();
  const T* pb = b.as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n = args.out[0].type.num_elements();
  if constexpr (std::is_integral_v<T>) {
    if (kind == OpKind::Div && n > 0)
      for (int64_t i = 0; i < b.type.num_elements(); ++i)
        if (pb[i] == 0) return fail(args.name(), "integer division by zero");
  }
  const Dims& dims = args.out[0].type.dims;
  BroadcastIndexer index_a(a.type.dims, dims), index_b(b.type.dims, dims);
  for (int64_t i = 0; i < n; ++i) {
    T u = pa[index_a(i)], v = pb[index_b(i)];
    if constexpr (std::is_integral_v<T>)
      y[i] = integer_op(kind, u, v);
    else
      y[i] = float_op(kind, u, v);
  }
  return {};
}

}  // namespace

std::string run_binary(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_binary);  // f16/bf16: in double, rounded once
  OpKind kind = args.schema.kind;
  return with_numeric_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply<T>(kind, args); });
}

}  // namespace halo::sem::kernels
