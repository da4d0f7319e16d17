// dispatch.cc - the public entry points of semantics.h.
//
// infer_types and run_kernel are the only doors into the operator semantics, and they
// are where untrusted input arrives: the compiler passes whatever a model file said and
// runtimes pass whatever an ODLA caller built. So everything generic is validated here
// once - operand count and presence, attribute kinds, dimension values, dtype agreement,
// buffer sizes, and that the result buffers have the types the operands imply - before
// a shape rule or kernel family sees the arguments. Families can then stay naive.
#include <variant>

#include "kernels.h"
#include "semantics.h"

namespace halo::sem {
namespace {

using kernels::Dims;
using kernels::fail;
using kernels::show;

std::string apply_shape_rule(const OpSchema& schema, std::span<const TensorType> in, const AttrMap& attrs,
                             std::vector<TensorType>& out);

// Whether the stored value has the kind the schema declares (ints may stand for floats).
bool attr_kind_matches(AttrType type, const AttrValue& v) {
  switch (type) {
    case AttrType::Int:
    case AttrType::Bool:
      return std::holds_alternative<int64_t>(v);
    case AttrType::Float:
      return std::holds_alternative<double>(v) || std::holds_alternative<int64_t>(v);
    case AttrType::Ints:
      return std::holds_alternative<std::vector<int64_t>>(v);
    case AttrType::Floats:
      return std::holds_alternative<std::vector<double>>(v);
    case AttrType::String:
      return std::holds_alternative<std::string>(v);
  }
  return false;
}

// Copies `attrs`, fills schema defaults and checks attribute kinds. Callers normally
// fill defaults already; doing it again makes the API safe for callers that did not.
std::string prepare_attrs(const OpSchema& s, const AttrMap& attrs, AttrMap& filled) {
  filled = attrs;
  std::string missing = fill_attr_defaults(s, filled);
  if (!missing.empty()) return fail(s.name, "missing required attribute '", missing, "'");
  for (const auto& a : s.attrs)
    if (!attr_kind_matches(a.type, *filled.find(a.name)))
      return fail(s.name, "attribute '", a.name, "' has the wrong kind of value");
  return {};
}

// Operand count and presence, dimension values, and one element type for all operands
// (every operator in ops.toml is homogeneous in its operands' element type).
std::string check_operands(const OpSchema& s, std::span<const TensorType> in) {
  bool variadic = s.operands.size() == 1 && s.operands[0].variadic;
  if (variadic && in.empty()) return fail(s.name, "needs at least one operand");
  if (!variadic && in.size() > s.operands.size())
    return fail(s.name, "takes at most ", s.operands.size(), " operands, got ", in.size());
  for (size_t i = 0; i < (variadic ? in.size() : s.operands.size()); ++i) {
    std::string_view name = variadic ? s.operands[0].name : s.operands[i].name;
    bool present = i < in.size() && in[i].present();
    if (!present && (variadic || !s.operands[i].optional))
      return fail(s.name, "required operand ", name, " (", i, ") is missing");
    if (!present) continue;
    for (int64_t d : in[i].dims)
      if (d < kUnknownDim) return fail(s.name, "operand ", name, " has invalid extent ", d);
    if (s.same_dtype && in[i].dtype != in[0].dtype)
      return fail(s.name, "operand ", name, " has element type ", dtype_name(in[i].dtype),
                  ", expected ", dtype_name(in[0].dtype), " like operand ", s.operands[0].name);
  }
  return {};
}

// infer_types with prepared attributes.
std::string infer(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                  std::vector<TensorType>& out) {
  out.clear();
  if (std::string err = check_operands(s, in); !err.empty()) return err;
  if (std::string err = apply_shape_rule(s, in, attrs, out); !err.empty()) return err;
  std::string err;
  if (s.kind == OpKind::Softmax) err = kernels::check_softmax(s, in, attrs);
  if (s.kind == OpKind::BatchNormalization) err = kernels::check_batch_norm(s, in, attrs);
  if (!err.empty()) {
    out.clear();
    return err;
  }
  for (const auto& t : out) {
    if (t.is_static() && t.num_bytes() < 0) {
      std::string why = fail(s.name, "result ", show(t.dims), " is too large");
      out.clear();  // `t` dies here, hence the message first
      return why;
    }
  }
  return {};
}

const OpSchema* find_schema(OpKind kind) {
  auto index = static_cast<size_t>(kind);
  return index < all_op_schemas().size() ? &all_op_schemas()[index] : nullptr;
}

// A buffer the kernel may read or write: static shape, sane size, data when non-empty.
std::string check_buffer(const OpSchema& s, const char* what, size_t i, const TensorView& v) {
  if (!v.type.is_static())
    return fail(s.name, what, " ", i, " has unknown extents ", show(v.type.dims));
  if (v.type.num_bytes() < 0) return fail(s.name, what, " ", i, " is too large");
  if (v.data == nullptr && v.type.num_elements() > 0)
    return fail(s.name, what, " ", i, " has no data");
  return {};
}

std::string run_family(const kernels::KernelArgs& args) {
  using namespace kernels;
  switch (args.schema.kind) {
#include "kernel_dispatch.inc"
  }
  return fail(args.schema.name, "no reference kernel");
}

std::string apply_shape_rule(const OpSchema& schema, std::span<const TensorType> in, const AttrMap& attrs,
                             std::vector<TensorType>& out) {
  using namespace kernels;
  switch (schema.kind) {
#include "shape_dispatch.inc"
  }
  return fail(schema.name, "shape rule '", schema.shape_rule, "' is not implemented");
}

}  // namespace

std::string infer_types(OpKind kind, std::span<const TensorType> inputs, const AttrMap& attrs,
                        std::vector<TensorType>& outputs) {
  outputs.clear();
  const OpSchema* s = find_schema(kind);
  if (!s) return "unknown operator kind " + std::to_string(static_cast<int32_t>(kind));
  AttrMap filled;
  if (std::string err = prepare_attrs(*s, attrs, filled); !err.empty()) return err;
  return infer(*s, inputs, filled, outputs);
}

std::string run_kernel(OpKind kind, std::span<const TensorView> inputs, const AttrMap& attrs,
                       std::span<TensorView> outputs) {
  const OpSchema* s = find_schema(kind);
  if (!s) return "unknown operator kind " + std::to_string(static_cast<int32_t>(kind));

  std::vector<TensorType> in_types;
  for (size_t i = 0; i < inputs.size(); ++i) {
    in_types.push_back(inputs[i].type);
    if (!inputs[i].present()) continue;
    if (std::string err = check_buffer(*s, "operand", i, inputs[i]); !err.empty()) return err;
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    if (std::string err = check_buffer(*s, "result", i, outputs[i]); !err.empty()) return err;

  // The runtime may run Reshape without "shape", having resolved the result itself; then
  // the result type is the caller's and only the element count and type must agree.
  AttrMap filled;
  bool caller_shaped = kind == OpKind::Reshape && !attrs.has("shape");
  if (caller_shaped) {
    if (std::string err = check_operands(*s, in_types); !err.empty()) return err;
    if (outputs.size() != 1) return fail(s->name, "expects 1 result, got ", outputs.size());
    const TensorType &x = in_types[0], &y = outputs[0].type;
    if (x.dtype != y.dtype || x.num_elements() != y.num_elements())
      return fail(s->name, "cannot reshape ", to_string(x), " to ", to_string(y));
  } else {
    if (std::string err = prepare_attrs(*s, attrs, filled); !err.empty()) return err;
    std::vector<TensorType> expected;
    if (std::string err = infer(*s, in_types, filled, expected); !err.empty()) return err;
    if (outputs.size() != expected.size())
      return fail(s->name, "expects ", expected.size(), " results, got ", outputs.size());
    for (size_t i = 0; i < expected.size(); ++i)
      if (outputs[i].type != expected[i])
        return fail(s->name, "result ", i, " has type ", to_string(outputs[i].type),
                    " but the operands imply ", to_string(expected[i]));
  }
  // Nothing to compute for empty results; returning early also spares the kernels
  // loops over huge extents of operands whose product is zero. The element type is
  // still checked so that the answer does not depend on the sizes.
  if (!kernels::schema_lists_dtype(*s, in_types[0].dtype))
    return kernels::dtype_not_implemented(*s, in_types[0].dtype);
  bool empty = !outputs.empty();
  for (const TensorView& v : outputs) empty = empty && v.type.num_elements() == 0;
  if (empty) return {};
  return run_family(kernels::KernelArgs{*s, inputs, filled, outputs});
}

}  // namespace halo::sem
