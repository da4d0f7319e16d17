// builder.h - creating instructions with their schema defaults and inferred types.
//
// Frontends, the text parser and passes all create instructions through create_op so
// that every instruction in the IR carries all of its schema attributes and result types
// computed by the one set of shape rules (runtime/reference, halo::sem::infer_types).
#pragma once

#include <string>
#include <vector>

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"

namespace halo::ir {

/// Creates `op` applied to `operands` (null for an absent optional operand), appended
/// to `f` or inserted before `pos`. Attribute defaults are filled in and the result
/// types inferred; the error names the node and the op.
Expected<Instruction*> create_op(Function& f, OpKind op, std::vector<Value*> operands,
                                 AttrMap attrs, const std::string& name,
                                 Instruction* pos = nullptr);

/// Checks the operand count and attributes of `op` against its schema.
Status check_schema(OpKind op, const std::vector<Value*>& operands, const AttrMap& attrs,
                    const std::string& name);

/// Infers the result types of `op` on `operands`; the error names the node.
Expected<std::vector<TensorType>> infer_result_types(OpKind op, const std::vector<Value*>& operands,
                                                     const AttrMap& attrs, const std::string& name);

/// Checks every instruction's element type (that of its first operand) against the
/// element types the op's reference kernel implements (`dtypes` in ops/ops.toml), so an
/// unsupported type is reported at compile time (exit 4) rather than when the code runs.
/// All offending nodes are listed.
Status check_supported_dtypes(const Function& f, const std::string& source, int64_t opset = 0);

}  // namespace halo::ir
