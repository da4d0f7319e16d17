// rewrite_utils.h - small pattern helpers shared by the fusion passes.
#pragma once

#include <optional>
#include <vector>

#include "halo/ir/ir.h"

namespace halo {

/// An `Add(producer_result, constant)` (either operand order) where the producer has the
/// given op and no other user.
struct AddOfConstant {
  ir::Instruction* producer;
  ir::Value* constant;
};
std::optional<AddOfConstant> match_add_of_constant(const ir::Function& f, ir::Instruction* add, ir::OpKind producer);

/// Reads a constant f32 that broadcasts along axis 1 of `result` ([C], [C,1,..], [1,C,1,..]
/// or a scalar) as C per-channel values; nullopt for any other shape or dtype.
std::optional<std::vector<float>> per_channel_values(const ir::Value& constant, const ir::TensorType& result);

/// Adds an f32 constant with the given dims and values.
ir::Value* add_f32_constant(ir::Function& f, const std::string& name, std::vector<int64_t> dims,
                            const std::vector<float>& values);

/// Replaces `old_inst`'s result by `producer`'s everywhere, erases `old_inst` and gives
/// its name to the producer's result (so outputs keep their names).
void replace_with_producer(ir::Function& f, ir::Instruction* old_inst, ir::Instruction* producer);

}  // namespace halo
