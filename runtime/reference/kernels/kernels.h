// kernels.h - helpers shared by the shape rules and the reference kernel families.
//
// The reference kernels are written to be read: each family file holds plain loops over
// row-major data. What they have in common lives here once: the argument bundle, error
// formatting, the one typed dispatch from a DType to a C++ element type, NumPy
// broadcasting, multi-index iteration and the window parameters of Conv and the pools.
// This header is internal to runtime/reference/kernels; the public API is semantics.h.
#pragma once

#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "attrs.h"
#include "float_formats.h"
#include "op_schema.h"
#include "tensor.h"

namespace halo::sem::kernels {

using Dims = std::vector<int64_t>;

// ---- errors ------------------------------------------------------------------------

/// Streams `parts` into one line prefixed with the op name: fail("Gemm", "K ", 3).
template <typename... Parts>
std::string fail(std::string_view op, const Parts&... parts) {
  std::ostringstream os;
  os << op << ": ";
  (os << ... << parts);
  return os.str();
}

/// "[1,3,224,224]" for diagnostics ("?" marks an unknown extent).
std::string show(const Dims& dims);

// ---- kernel arguments and typed dispatch ---------------------------------------------

/// Everything a kernel family receives. Types are already validated by the shape rule,
/// so a kernel may trust that operands and results have consistent, static shapes.
struct KernelArgs {
  const OpSchema& schema;
  std::span<const TensorView> in;
  const AttrMap& attrs;
  std::span<TensorView> out;

  std::string_view name() const { return schema.name; }
  /// True when operand `i` is given (optional operands may be absent or omitted).
  bool has(size_t i) const { return i < in.size() && in[i].present(); }
};

/// Whether ops.toml lists `t` among the element types of the op's reference kernel.
bool schema_lists_dtype(const OpSchema& schema, DType t);

/// The error for an element type the reference kernel does not implement.
std::string dtype_not_implemented(const OpSchema& schema, DType t);

/// Calls `f.template operator()<T>()` with the C++ type of `t`, provided ops.toml lists
/// `t` for this op. This is the only place a DType becomes a C++ type, so each family
/// writes its kernel once as a template. Types the table lists but that have no C++
/// arithmetic type (f16, bf16, ...) report "not implemented" here rather than guessing;
/// a family written for float gives them to run_widened (below) before calling this.
template <typename F>
std::string with_dtype(const OpSchema& schema, DType t, F&& f) {
  if (!schema_lists_dtype(schema, t)) return dtype_not_implemented(schema, t);
  switch (t) {
    case DType::f32:
      return f.template operator()<float>();
    case DType::f64:
      return f.template operator()<double>();
    case DType::i32:
      return f.template operator()<int32_t>();
    case DType::i64:
      return f.template operator()<int64_t>();
    default:
      return dtype_not_implemented(schema, t);
  }
}

/// As with_dtype, for kernels written for any number type: floats and every integer
/// width, signed or not (binary arithmetic).
template <typename F>
std::string with_numeric_dtype(const OpSchema& schema, DType t, F&& f) {
  if (!schema_lists_dtype(schema, t)) return dtype_not_implemented(schema, t);
  switch (t) {
    case DType::i8: return f.template operator()<int8_t>();
    case DType::i16: return f.template operator()<int16_t>();
    case DType::u8: return f.template operator()<uint8_t>();
    case DType::u16: return f.template operator()<uint16_t>();
    case DType::u32: return f.template operator()<uint32_t>();
    case DType::u64: return f.template operator()<uint64_t>();
    default: return with_dtype(schema, t, std::forward<F>(f));
  }
}

/// For kernels that only move elements (layout ops, Identity): calls `f` with an
/// unsigned integer type of the element's size, so every element type of that size is
/// handled by one instantiation.
template <typename F>
std::string with_storage_type(const OpSchema& schema, DType t, F&& f) {
  if (!schema_lists_dtype(schema, t)) return dtype_not_implemented(schema, t);
  switch (dtype_size(t)) {
    case 1: return f.template operator()<uint8_t>();
    case 2: return f.template operator()<uint16_t>();
    case 4: return f.template operator()<uint32_t>();
    case 8: return f.template operator()<uint64_t>();
    default: return dtype_not_implemented(schema, t);
  }
}

// ---- the 16-bit floats ----------------------------------------------------------------
// C++ has no arithmetic type for f16 and bf16. Kernels that handle them natively (Cast,
// IsNaN/IsInf, the comparisons, Attention) use these element types: the bits, distinct
// types so that templates tell them apart, decoded exactly and encoded with one rounding
// to nearest even through float_formats.h. Kernels written for float instead run on them
// through run_widened below.

struct Half {  // IEEE binary16: 1 sign, 5 exponent, 10 mantissa bits
  uint16_t bits;
};
struct BFloat16 {  // bfloat16: 1 sign, 8 exponent, 7 mantissa bits
  uint16_t bits;
};
static_assert(sizeof(Half) == 2 && sizeof(BFloat16) == 2);

template <typename T>
constexpr bool is_float16_type = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
template <typename T>
constexpr DType float16_dtype = std::is_same_v<T, Half> ? DType::f16 : DType::bf16;

/// The exact value of a 16-bit float element.
template <typename T>
  requires is_float16_type<T>
double to_double(T v) {
  return float16_to_double(float16_dtype<T>, v.bits);
}

/// `v` rounded once to the 16-bit float type T (nearest, ties to even).
template <typename T>
  requires is_float16_type<T>
T round_to(long double v) {
  return T{float16_from(float16_dtype<T>, v)};
}

/// Whether any operand or result of the call is f16 or bf16.
bool has_float16(const KernelArgs& args);

/// Runs `kernel`, written for f32/f64, on a call whose f16/bf16 operands and results are
/// widened: every f16/bf16 operand is converted exactly to f64 (f32 when the op lists
/// no f64), the kernel computes in that type, and each f16/bf16 result is rounded once
/// to nearest even. Operands of other types (indices, conditions) pass unchanged. So a
/// family gains both 16-bit floats with one line, and the results are those of the
/// mathematical operation on the exact operand values, rounded once (with an f32-only op
/// twice: to f32, then to 16 bits).
std::string run_widened(const KernelArgs& args, std::string (*kernel)(const KernelArgs&));

// ---- shapes and indices ---------------------------------------------------------------

/// Row-major strides of a packed tensor with `dims` (in elements).
Dims row_major_strides(const Dims& dims);

/// Product of dims[begin, end); all extents must be known.
int64_t product(const Dims& dims, size_t begin, size_t end);

/// Advances a multi-index over `extents` in row-major order; false after the last one.
/// Starting from all zeros this visits every index exactly once (none if any extent is 0).
bool next_index(Dims& index, const Dims& extents);

/// Maps an axis attribute in [-rank, rank) to [0, rank); -1 when out of range.
int64_t normalize_axis(int64_t axis, int64_t rank);

/// Multidirectional (NumPy) broadcast of two shapes. Unknown extents (-1) stay unknown
/// unless the other side fixes them. Returns an empty string or the reason they clash.
std::string broadcast_dims(const Dims& a, const Dims& b, Dims& result);

/// Maps a linear index of a broadcast result to the linear index of one operand whose
/// shape broadcasts to it (size-1 and missing leading dimensions repeat).
class BroadcastIndexer {
 public:
  BroadcastIndexer(const Dims& operand_dims, const Dims& result_dims);
  int64_t operator()(int64_t result_index) const;

 private:
  Dims result_dims_;
  Dims strides_;  // operand stride per result dimension; 0 where the operand repeats
};

// ---- sliding windows (Conv, MaxPool, AveragePool) -------------------------------------

/// Per-spatial-dimension window parameters, with ONNX defaults resolved.
struct Window {
  Dims kernel, strides, dilations, pads_begin, pads_end;
  bool ceil_mode = false;
};

/// Reads strides/dilations/pads (and ceil_mode) for `spatial` dimensions; `kernel` is
/// the kernel extent per dimension (from W for Conv, the kernel_shape attribute for
/// pools). Validates lengths and ranges.
std::string read_window(std::string_view op, const AttrMap& attrs, size_t spatial, Dims kernel,
                        bool allow_ceil_mode, Window& w);

/// Output extent of one spatial dimension (ONNX formula incl. ceil_mode); unknown input
/// gives unknown output. Fails when the dilated kernel does not fit the padded input or
/// the padded extent does not fit in int64.
std::string window_output_dim(std::string_view op, const Window& w, size_t d, int64_t in,
                              int64_t& out);

// ---- shape rules and op-specific checks (shape_rules.cc, family files) ---------------

/// Checks an op needs beyond its (shared) shape rule, e.g. Softmax's axis.
std::string check_softmax(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a);
std::string check_batch_norm(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a);

// ---- shape rules and kernels, declared from ops/*.toml ---------------------------------
// kernel_decls.inc declares `std::string shape_<rule>(schema, in, attrs, out)` for each
// `shape` and `std::string <kernel>(const KernelArgs&)` for each `kernel` named in the
// table; each is defined in the family file. Operand count, dtype agreement (unless the
// op says `same_dtype = false`) and dimension validity are checked before either runs.
#include "kernel_decls.inc"

}  // namespace halo::sem::kernels
