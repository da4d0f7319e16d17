// verifier.h - structural and type checks of a function.
#pragma once

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"

namespace halo::ir {

/// Checks that names are unique, every operand is defined before its use, operand
/// counts and attributes match the schema, result types equal what the shape rules infer,
/// constant data matches its type and outputs are values of the function.
Status verify(const Function& f);
Status verify(const Module& m);

}  // namespace halo::ir
