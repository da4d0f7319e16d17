// op_schema.h - the operator table (ops/ops.toml) as C++ data.
//
// tools/opgen generates op_kind.inc (the X-macro list of operators) and
// op_schema_table.cc (one OpSchema per operator) from ops/ops.toml at build time. The
// IR verifier, the text parser, the lowering, the emitter and the executor all read
// these schemas instead of hard-coding per-op knowledge.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "attrs.h"
#include "dtype.h"

namespace halo::sem {

/// Every IR operator, in table order.
enum class OpKind : int32_t {
#define HALO_OP(NAME) NAME,
#include "op_kind.inc"
#undef HALO_OP
};

enum class AttrType : int32_t { Int, Float, Bool, Ints, Floats, String };

/// One operand of an operator.
struct OperandSchema {
  std::string_view name;
  bool optional;  ///< may be absent (ODLA receives NULL)
  bool variadic;  ///< a list of values (only as the sole operand)
};

/// One attribute with its default (as it would appear in the text IR), if any.
struct AttrSchema {
  std::string_view name;
  AttrType type;
  bool has_default;
  std::string_view default_text;  ///< e.g. "-1", "1.0", "[]"
};

/// One result of an operator. Most operators have one; a variadic result (Split) is a
/// list whose length the shape rule decides from the attributes.
struct ResultSchema {
  std::string_view name;
  bool variadic;
};

/// What one ODLA parameter position receives. Ops with several results take `Ids` (one
/// id per result, as odla_value_ids) instead of `Id` and return odla_values.
enum class OdlaParamKind : int32_t { Operand, Attr, OutputDims, Id, Ids };

struct OdlaParam {
  OdlaParamKind kind;
  int32_t index;  ///< operand or attribute index for Operand / Attr
};

struct OpSchema {
  OpKind kind;
  std::string_view name;          ///< "Conv"
  std::string_view family;        ///< kernel family, e.g. "conv"
  std::string_view summary;
  std::string_view shape_rule;    ///< e.g. "broadcast"
  std::string_view odla_function; ///< "odla_Conv"
  std::span<const OperandSchema> operands;
  std::span<const AttrSchema> attrs;
  std::span<const ResultSchema> results;
  std::span<const OdlaParam> odla_params;
  std::span<const DType> dtypes;  ///< element types the reference kernel implements
  bool same_dtype;                ///< all operands share one element type (checked generically)

  /// True when the ODLA function returns odla_values (several or variadic results).
  bool multi_result() const { return results.size() > 1 || (results.size() == 1 && results[0].variadic); }
};

/// All operators, indexed by OpKind.
std::span<const OpSchema> all_op_schemas();
const OpSchema& op_schema(OpKind kind);
std::optional<OpKind> op_kind_from_name(std::string_view name);

/// Default value of an attribute (parsed from its default_text); nullopt if required.
std::optional<AttrValue> attr_default(const AttrSchema& a);

/// Fills absent attributes with their schema defaults. Returns the name of a required
/// attribute that is missing, or an empty string.
std::string fill_attr_defaults(const OpSchema& schema, AttrMap& attrs);

}  // namespace halo::sem
