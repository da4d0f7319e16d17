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
#include <vector>

#include "attrs.h"
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
/// counterpart here (f16, ...) report "not implemented" rather than guessing.
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
