// odla_ref.h - internal data model of libodla_reference: values, computations, contexts.
//
// The ODLA C API hands out opaque pointers (odla_value, odla_computation, odla_context);
// this header defines what they point to in the reference runtime and declares the
// helpers shared by the files that implement the API. Nothing here is exported: the
// library is built with hidden visibility and only the extern "C" entry points are public.
// The generated operator entry points (odla_reference_ops.inc) call record_op,
// record_multi_op, shape_to_ints and values_to_vector, which is why those have fixed
// signatures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// The full API, so that the generated definitions in ops.cc are checked against the
// generated prototypes.
#include "ODLA/odla.h"
#include "semantics.h"

namespace odla_ref {

/// A value id decoded once, when a value is created or bound, so that later look-ups
/// never read the caller's memory again. String ids keep a copy of their text; integer
/// ids (ODLA_VALUE_ID_AS_INT) keep the number. Two ids are equal when both the kind and
/// the content match; this defaulted comparison is the only id comparison in the library.
struct ValueId {
  bool is_int = false;
  int64_t number = 0;
  std::string text;
  bool operator==(const ValueId&) const = default;
};

/// Decodes a C id: as an integer when `as_int`, otherwise as a NUL-terminated string.
ValueId decode_id(odla_value_id id, bool as_int);

/// Renders an id for messages: 'x' for strings, #3 for integers.
std::string describe(const ValueId& id);

/// Where a value comes from, which decides where its data lives during execution.
enum class ValueKind {
  Argument,    ///< data bound per context with odla_BindToArgumentById
  Constant,    ///< data owned by the caller, pointer kept (never copied)
  Node,        ///< result of an operator in a computation; buffer per context
  Standalone,  ///< interpret mode: owns its storage, freed by odla_ReleaseValue
};

/// One operator application recorded in a computation.
struct Node {
  halo::sem::OpKind kind;
  std::vector<_odla_value*> operands;  ///< null for absent optional operands
  halo::sem::AttrMap attrs;            ///< every schema attribute, defaults filled in
  std::vector<_odla_value*> results;   ///< one per result of the operator
};

/// A binding made before the context knew its computation; resolved on first execution.
struct PendingBinding {
  odla_value_id id;
  void* data;
  bool output;
};

// ---- errors (errors.cc) ---------------------------------------------------------------

/// Sets this thread's last error (never throws).
void set_error(std::string_view message) noexcept;
/// Clears this thread's last error; every entry point starts with it.
void clear_error() noexcept;
/// Sets the last error and returns `status`, for one-line early returns.
odla_status fail(odla_status status, std::string_view message) noexcept;
/// Sets the last error and returns NULL, for entry points that return a value.
odla_value fail_value(std::string_view message) noexcept;

/// Runs the body of a C entry point: clears the last error, and turns any exception into
/// an error result, because no exception may cross the C boundary. A failed allocation
/// becomes ODLA_MEM_ERROR for status-returning functions.
template <typename R, typename F>
R api_call(R on_error, F&& body) noexcept {
  clear_error();
  try {
    return body();
  } catch (const std::bad_alloc&) {
    set_error("out of memory");
    if constexpr (std::is_same_v<R, odla_status>) return ODLA_MEM_ERROR;
    return on_error;
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown internal error");
  }
  return on_error;
}

// ---- types and data (types.cc) --------------------------------------------------------

/// The number a caller passed for a C enum (element type, compute mode, item type).
/// Callers may pass any number, and loading a C++ enum outside its enumerators' range is
/// undefined behaviour (UBSan flags it), so the bytes are read as an int.
template <typename E>
int enum_number(const E& e) {
  static_assert(sizeof(E) == sizeof(int), "C enums are int-sized here");
  int v = 0;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

/// Converts and validates an ODLA type. Returns an empty string or the reason it is
/// invalid (undefined element type, bad rank, negative or unknown dimension).
std::string from_odla_type(const odla_value_type& in, halo::sem::TensorType& out);
/// Converts a (static) tensor type to its ODLA form.
odla_value_type to_odla_type(const halo::sem::TensorType& t);
/// Pairs a value's type with a data pointer: the one way kernels receive operands.
/// A null value gives an absent view (an omitted optional operand).
halo::sem::TensorView view_of(const _odla_value* v, const void* data);

/// Integer-list arguments (strides, pads, ...) as an attribute; the size is clamped to
/// [0, ODLA_MAX_DIMENSION] because the generated callers have no error path.
std::vector<int64_t> shape_to_ints(const odla_value_shape& s);
/// Variadic operands as a vector; the size is clamped to [0, ODLA_MAX_OUTPUTS].
std::vector<odla_value> values_to_vector(const odla_values& v);

// ---- computations (computation.cc) ----------------------------------------------------

/// The computation the builders on this thread add to (null: none).
_odla_computation*& current_computation();
/// True when `comp` is a computation that exists and was created with `serial`; lets a
/// context detect that its computation was destroyed without dereferencing it.
bool is_live(const _odla_computation* comp, uint64_t serial);
/// True when `comp` was created and not destroyed yet: API calls check handles they are
/// given, so that a destroyed handle is an error status rather than a use after free.
bool is_live(const _odla_computation* comp);
/// How ids are decoded for values that belong to no computation: like the current
/// computation's, or as strings when there is none.
bool standalone_ids_as_int();
/// Adds a value to `comp` (which owns it) and returns it.
_odla_value* add_value(_odla_computation& comp, ValueKind kind, halo::sem::TensorType type,
                       odla_value_id id);

// ---- operators (record.cc) ------------------------------------------------------------

/// Entry of every odla_<Op> function. Fills attribute defaults and infers the result
/// type. With `output_dims`, inferred dims must equal them, except that when inference
/// cannot run because a required attribute never reaches ODLA (Reshape's "shape"), the
/// result is output_dims with operand 0's element type. Then, for operands of the
/// current computation, records a node in it, and for standalone operands (interpret
/// mode) runs the kernel at once and returns a new standalone value. Returns NULL with
/// the last error set on any problem.
odla_value record_op(halo::sem::OpKind kind, std::vector<odla_value> operands,
                     halo::sem::AttrMap attrs, const odla_value_shape* output_dims,
                     odla_value_id id);

/// Entry of the odla_<Op> functions of multi-result operators: as record_op, with one id
/// per result (the count must match the shape rule's). Returns size 0 on any problem.
odla_values record_multi_op(halo::sem::OpKind kind, std::vector<odla_value> operands,
                            halo::sem::AttrMap attrs, const odla_value_ids& ids);

}  // namespace odla_ref

/// An ODLA value: an argument, constant or operator result of a computation, or a
/// standalone value with its own data (interpret mode).
struct _odla_value {
  odla_ref::ValueKind kind = odla_ref::ValueKind::Standalone;
  halo::sem::TensorType type;
  odla_ref::ValueId id;
  _odla_computation* owner = nullptr;  ///< null for standalone values
  size_t slot = 0;                     ///< index in owner->values
  const void* constant = nullptr;      ///< Constant: the caller's data
  /// Standalone: the value's data. operator new aligns it for every element type.
  std::vector<std::byte> storage;
  bool is_output = false;
};

/// A computation: the values and nodes in creation order. It is immutable while being
/// executed, so any number of contexts may run it concurrently.
struct _odla_computation {
  uint64_t serial = 0;  ///< unique per computation ever created (see is_live)
  bool ids_as_int = false;
  std::vector<std::unique_ptr<_odla_value>> values;  ///< slot = index
  std::vector<odla_ref::Node> nodes;
  std::vector<_odla_value*> arguments;
  std::vector<_odla_value*> outputs;
};

/// Per-inference state: bound buffers and intermediate results, indexed by value slot.
/// A context serves one computation: the one current on the thread at its first binding,
/// or the first one it executes.
struct _odla_context {
  _odla_computation* comp = nullptr;
  uint64_t comp_serial = 0;
  std::vector<odla_ref::PendingBinding> pending;
  std::vector<const void*> bound_args;          ///< by slot
  std::vector<void*> bound_outputs;             ///< by slot
  std::vector<std::vector<std::byte>> buffers;  ///< by slot: intermediates, reused per run
  std::vector<void*> data;                      ///< by slot: where each value lives this run
  std::vector<halo::sem::TensorView> scratch;   ///< kernel operand views, reused per node
  std::vector<halo::sem::TensorView> result_views;  ///< kernel result views, reused per node
};
