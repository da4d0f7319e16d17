// record.cc - the common body of every odla_<Op> function.
//
// The generated entry points (odla_reference_ops.inc) only pack their arguments into an
// operand list and an attribute map; everything an operator call means happens here
// once: checking operands, filling attribute defaults, inferring (or accepting) the
// result type, and then either recording a node in the current computation (compile
// mode) or running the kernel at once on standalone values (interpret mode).
#include <algorithm>

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

// Computes the result types; see record_op in odla_ref.h for the rules. Returns an empty
// string or the reason.
std::string result_types(const OpSchema& schema, const std::vector<odla_value>& operands,
                         halo::sem::AttrMap& attrs, const odla_value_shape* output_dims,
                         std::vector<TensorType>& results) {
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
    results = std::move(outs);
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
      // Still check the operands against output_dims, with them as the missing attribute
      // (Reshape's shape, the only such attribute): a Reshape to another element count
      // made the kernel copy past the end of a buffer.
      halo::sem::AttrMap with = attrs;
      with.set(missing, dims);
      std::vector<TensorType> ins, checked;
      for (const _odla_value* v : operands) ins.push_back(v ? v->type : TensorType{});
      if (std::string bad = halo::sem::infer_types(schema.kind, ins, with, checked); !bad.empty())
        return "output_dims [" + halo::sem::dims_to_string(dims) + "]: " + bad;
      results = {TensorType{operands[0]->type.dtype, std::move(dims)}};
    } else {
      if (!dims_match(outs[0].dims, dims))
        return "output_dims [" + halo::sem::dims_to_string(dims) + "] differ from the inferred [" +
               halo::sem::dims_to_string(outs[0].dims) + "]";
      results = {TensorType{outs[0].dtype, std::move(dims)}};
    }
  }
  // Buffers are allocated from the type, and GetValueType must be able to express it.
  for (const TensorType& result : results)
    if (!result.present() || !result.is_static() || result.num_bytes() < 0 ||
        result.rank() > ODLA_MAX_DIMENSION)
      return "result type " + halo::sem::to_string(result) + " is not static or too large";
  return {};
}

// Interpret mode: runs the kernel now and returns new standalone values.
std::vector<odla_value> compute_now(const OpSchema& schema, const std::vector<odla_value>& operands,
                                    const halo::sem::AttrMap& attrs, std::vector<TensorType> types,
                                    std::vector<ValueId> ids) {
  std::vector<std::unique_ptr<_odla_value>> vs;
  std::vector<halo::sem::TensorView> outs;
  for (size_t k = 0; k < types.size(); ++k) {
    auto v = std::make_unique<_odla_value>();
    v->type = std::move(types[k]);
    v->id = std::move(ids[k]);
    v->storage.resize(static_cast<size_t>(v->type.num_bytes()));
    outs.push_back(view_of(v.get(), v->storage.data()));
    vs.push_back(std::move(v));
  }
  std::vector<halo::sem::TensorView> ins;
  ins.reserve(operands.size());
  for (const _odla_value* o : operands)
    ins.push_back(view_of(o, o ? o->storage.data() : nullptr));
  if (std::string why = halo::sem::run_kernel(schema.kind, ins, attrs, outs); !why.empty()) {
    fail_value(std::string(schema.name) + " " + describe(vs[0]->id) + ": " + why);
    return {};
  }
  std::vector<odla_value> result;
  for (auto& v : vs) result.push_back(v.release());
  return result;
}

// The body shared by record_op and record_multi_op: `ids` holds one id per expected
// result (for multi-result ops the caller's list, whose length must match the rule's).
std::vector<odla_value> record(halo::sem::OpKind kind, std::vector<odla_value> operands,
                               halo::sem::AttrMap attrs, const odla_value_shape* output_dims,
                               const std::vector<odla_value_id>& ids) {
  const OpSchema& schema = halo::sem::op_schema(kind);
  _odla_computation* owner = nullptr;
  // Decoding needs the mode of the computation the results will belong to.
  auto label = [&](bool as_int) {
    return std::string(schema.name) + " " +
           (ids.empty() ? std::string("(no ids)") : describe(decode_id(ids[0], as_int))) + ": ";
  };
  auto failed = [](std::string_view why) {
    fail_value(why);
    return std::vector<odla_value>{};
  };
  if (std::string why = check_operands(schema, operands, owner); !why.empty())
    return failed(label(standalone_ids_as_int()) + why);
  bool as_int = owner ? owner->ids_as_int : standalone_ids_as_int();
  if (ids.empty() || ids.size() > ODLA_MAX_OUTPUTS)
    return failed(label(as_int) + "needs between 1 and " + std::to_string(ODLA_MAX_OUTPUTS) + " value ids");
  std::vector<TensorType> types;
  if (std::string why = result_types(schema, operands, attrs, output_dims, types); !why.empty())
    return failed(label(as_int) + why);
  if (types.size() != ids.size())
    return failed(label(as_int) + "has " + std::to_string(types.size()) + " results but " +
                  std::to_string(ids.size()) + " value ids were given");
  if (owner == nullptr) {
    std::vector<ValueId> decoded;
    for (odla_value_id id : ids) decoded.push_back(decode_id(id, as_int));
    return compute_now(schema, operands, attrs, std::move(types), std::move(decoded));
  }
  // Reserve first so that a failed allocation cannot leave a value without its node.
  // (Doubling, since reserving size + 1 each time would copy quadratically.)
  if (owner->nodes.size() == owner->nodes.capacity())
    owner->nodes.reserve(2 * owner->nodes.size() + 16);
  std::vector<_odla_value*> results;
  results.reserve(types.size());
  for (size_t k = 0; k < types.size(); ++k)
    results.push_back(add_value(*owner, ValueKind::Node, std::move(types[k]), ids[k]));
  owner->nodes.push_back(Node{kind, std::move(operands), std::move(attrs), results});
  return {results.begin(), results.end()};
}

}  // namespace

odla_value record_op(halo::sem::OpKind kind, std::vector<odla_value> operands,
                     halo::sem::AttrMap attrs, const odla_value_shape* output_dims,
                     odla_value_id id) {
  return api_call<odla_value>(nullptr, [&]() -> odla_value {
    auto results = record(kind, std::move(operands), std::move(attrs), output_dims, {id});
    return results.empty() ? nullptr : results[0];
  });
}

odla_values record_multi_op(halo::sem::OpKind kind, std::vector<odla_value> operands,
                            halo::sem::AttrMap attrs, const odla_value_ids& ids) {
  return api_call<odla_values>(odla_values{}, [&]() -> odla_values {
    int32_t n = std::clamp<int32_t>(ids.size, 0, ODLA_MAX_OUTPUTS);
    auto results = record(kind, std::move(operands), std::move(attrs), nullptr,
                          std::vector<odla_value_id>(ids.ids, ids.ids + n));
    odla_values out{};
    out.size = static_cast<odla_int32>(results.size());
    for (size_t k = 0; k < results.size(); ++k) out.values[k] = results[k];
    return out;
  });
}

}  // namespace odla_ref
