// record.cc - the common body of every odla_<Op> function.
//
// The generated entry points (odla_reference_ops.inc) only pack their arguments into an
// operand list and an attribute map; everything an operator call means happens here
// once: checking operands, filling attribute defaults, inferring (or accepting) the
// result type, and then either recording a node in the current computation (compile
// mode) or running the kernel at once on standalone values (interpret mode).
#include "odla_ref.h"

namespace odla_ref {
namespace {

using halo::sem::OpSchema;
using halo::sem::TensorType;

// Checks operand presence against the schema and finds the computation the operands
// belong to (null for standalone operands). Returns an empty string or the reason.
std::string check_operands(const OpSchema& schema, const std::vector<odla_value>& operands,
                           _odla_computation*& owner) {
  bool variadic = schema.operands.size() == 1 && schema.operands[0].variadic;
  if (!variadic && operands.size() != schema.operands.size())
    return "expects " + std::to_string(schema.operands.size()) + " operands, got " +
           std::to_string(operands.size());
  const _odla_value* first = nullptr;
  for (size_t i = 0; i < operands.size(); ++i) {
    const _odla_value* v = operands[i];
    const auto& s = schema.operands[variadic ? 0 : i];
    if (v == nullptr) {
      if (!s.optional || s.variadic)
        return "operand '" + std::string(s.name) + "' (#" + std::to_string(i) + ") is NULL";
      continue;
    }
    if (first == nullptr) {
      first = v;
    } else if (v->owner != first->owner) {
      return "operands " + describe(first->id) + " and " + describe(v->id) +
             " do not belong to the same computation";
    }
  }
  if (first == nullptr) return "needs at least one operand";
  owner = first->owner;
  if (owner != nullptr && owner != current_computation())
    return "operand " + describe(first->id) +
           " belongs to a computation that is not current on this thread";
  return {};
}

// Unknown (negative) inferred dimensions accept any given extent.
bool dims_match(const std::vector<int64_t>& inferred, const std::vector<int64_t>& given) {
  if (inferred.size() != given.size()) return false;
  for (size_t i = 0; i < given.size(); ++i)
    if (inferred[i] >= 0 && inferred[i] != given[i]) return false;
  return true;
}

// Computes the result type; see record_op in odla_ref.h for the rules. Returns an empty
// string or the reason.
std::string result_type(const OpSchema& schema, const std::vector<odla_value>& operands,
                        halo::sem::AttrMap& attrs, const odla_value_shape* output_dims,
                        TensorType& result) {
  std::string why;
  std::vector<TensorType> outs;
  // infer_types expects every attribute, so it cannot run without a required one.
  std::string missing = halo::sem::fill_attr_defaults(schema, attrs);
  if (!missing.empty()) {
    why = "attribute '" + missing + "' is required";
  } else {
    std::vector<TensorType> ins;
    ins.reserve(operands.size());
    for (const _odla_value* v : operands) ins.push_back(v ? v->type : TensorType{});
    why = halo::sem::infer_types(schema.kind, ins, attrs, outs);
    if (why.empty() && outs.empty()) why = "the shape rule gave no result";
  }
  if (output_dims == nullptr) {
    if (!why.empty()) return why;
    result = std::move(outs[0]);
  } else {
    if (output_dims->size < 0 || output_dims->size > ODLA_MAX_DIMENSION)
      return "output_dims has invalid rank " + std::to_string(output_dims->size);
    std::vector<int64_t> dims = shape_to_ints(*output_dims);
    if (!why.empty()) {
      // The compiler resolved what the rule could not (e.g. Reshape, whose target shape
      // reaches ODLA only as output_dims): trust it, keeping the data's element type.
      // Any other failure is a real error: accepting output_dims for operands the rule
      // rejected would let a kernel index past its buffers.
      if (missing.empty() || operands.empty() || operands[0] == nullptr) return why;
      result = TensorType{operands[0]->type.dtype, std::move(dims)};
    } else {
      if (!dims_match(outs[0].dims, dims))
        return "output_dims [" + halo::sem::dims_to_string(dims) + "] differ from the inferred [" +
               halo::sem::dims_to_string(outs[0].dims) + "]";
      result = TensorType{outs[0].dtype, std::move(dims)};
    }
  }
  // Buffers are allocated from the type, and GetValueType must be able to express it.
  if (!result.present() || !result.is_static() || result.num_bytes() < 0 ||
      result.rank() > ODLA_MAX_DIMENSION)
    return "result type " + halo::sem::to_string(result) + " is not static or too large";
  return {};
}

// Interpret mode: runs the kernel now and returns a new standalone value.
odla_value compute_now(const OpSchema& schema, const std::vector<odla_value>& operands,
                       const halo::sem::AttrMap& attrs, TensorType type, ValueId id) {
  auto v = std::make_unique<_odla_value>();
  v->type = std::move(type);
  v->id = std::move(id);
  v->storage.resize(static_cast<size_t>(v->type.num_bytes()));
  std::vector<halo::sem::TensorView> ins;
  ins.reserve(operands.size());
  for (const _odla_value* o : operands)
    ins.push_back(view_of(o, o ? o->storage.data() : nullptr));
  halo::sem::TensorView out = view_of(v.get(), v->storage.data());
  if (std::string why = halo::sem::run_kernel(schema.kind, ins, attrs, {&out, 1}); !why.empty())
    return fail_value(std::string(schema.name) + " " + describe(v->id) + ": " + why);
  return v.release();
}

}  // namespace

odla_value record_op(halo::sem::OpKind kind, std::vector<odla_value> operands,
                     halo::sem::AttrMap attrs, const odla_value_shape* output_dims,
                     odla_value_id id) {
  return api_call<odla_value>(nullptr, [&]() -> odla_value {
    const OpSchema& schema = halo::sem::op_schema(kind);
    _odla_computation* owner = nullptr;
    // Decoding needs the mode of the computation the result will belong to.
    auto label = [&](bool as_int) {
      return std::string(schema.name) + " " + describe(decode_id(id, as_int)) + ": ";
    };
    if (std::string why = check_operands(schema, operands, owner); !why.empty())
      return fail_value(label(standalone_ids_as_int()) + why);
    bool as_int = owner ? owner->ids_as_int : standalone_ids_as_int();
    TensorType type;
    if (std::string why = result_type(schema, operands, attrs, output_dims, type); !why.empty())
      return fail_value(label(as_int) + why);
    if (owner == nullptr)
      return compute_now(schema, operands, attrs, std::move(type), decode_id(id, as_int));
    // Reserve first so that a failed allocation cannot leave a value without its node.
    // (Doubling, since reserving size + 1 each time would copy quadratically.)
    if (owner->nodes.size() == owner->nodes.capacity())
      owner->nodes.reserve(2 * owner->nodes.size() + 16);
    _odla_value* result = add_value(*owner, ValueKind::Node, std::move(type), id);
    owner->nodes.push_back(Node{kind, std::move(operands), std::move(attrs), result});
    return result;
  });
}

}  // namespace odla_ref
