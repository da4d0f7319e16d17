// folder.h - evaluating one instruction whose operands are all constants.
#pragma once

#include <cstdint>
#include <vector>

#include "halo/ir/ir.h"

namespace halo::ir {

/// If every operand of `inst` is a constant and its results take at most `limit_bytes`
/// together, computes them with the reference kernels, replaces the instruction by
/// constants of the same names and returns them (one per result); otherwise returns an
/// empty list and leaves the function unchanged (also when the kernel does not implement
/// the element type).
std::vector<Value*> try_fold_results(Function& f, Instruction* inst, int64_t limit_bytes);

/// try_fold_results for the first result: the constant, or null.
Value* try_fold(Function& f, Instruction* inst, int64_t limit_bytes);

}  // namespace halo::ir
