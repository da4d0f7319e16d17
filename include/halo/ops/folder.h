// folder.h - evaluating one instruction whose operands are all constants.
#pragma once

#include <cstdint>

#include "halo/ir/ir.h"

namespace halo::ir {

/// If every operand of `inst` is a constant and its single result is at most
/// `limit_bytes`, computes it with the reference kernels, replaces the instruction by a
/// constant of the same name and returns that constant; otherwise returns null and leaves
/// the function unchanged (also when the kernel does not implement the element type).
Value* try_fold(Function& f, Instruction* inst, int64_t limit_bytes);

}  // namespace halo::ir
