// constant_folding.cc - evaluates instructions whose operands are all constants.
//
//   before: %s = constant f32[2] dense<[1.0, 2.0]>   %t = Relu(%s) : f32[2]
//   after:  %t = constant f32[2] dense<[1.0, 2.0]>
//
// The folder runs the reference kernels (halo::sem::run_kernel), the same code the
// reference runtime executes, so a folded model computes what the unfolded one would.
// Results larger than PassOptions::fold_limit_bytes are left alone (folding must not
// blow up the weights file).
#include "halo/ops/folder.h"
#include "halo/transforms/pass.h"

namespace halo {

Status constant_folding(ir::Function& f, const PassOptions& opts) {
  for (ir::Instruction* inst : f.instruction_list()) ir::try_fold(f, inst, opts.fold_limit_bytes);
  return dead_code_elimination(f, opts);
}

}  // namespace halo
