// shape_inference.cc - re-infers every result type, in order, from the argument types.
//
//   before: func @m(%x: f32[8,784]) { %y = Relu(%x) : f32[1,784] ... }
//   after:  func @m(%x: f32[8,784]) { %y = Relu(%x) : f32[8,784] ... }
//
// The rules themselves live in runtime/reference (halo::sem::infer_types), shared with
// the runtimes.
#include "halo/ops/builder.h"
#include "halo/transforms/pass.h"

namespace halo {

Status shape_inference(ir::Function& f, const PassOptions&) {
  for (ir::Instruction* inst : f.instruction_list()) {
    auto types = ir::infer_result_types(inst->op(), inst->operands(), inst->attrs(), inst->name());
    if (!types) return types.status();
    for (size_t r = 0; r < inst->num_results() && r < types->size(); ++r) inst->result(r)->set_type((*types)[r]);
  }
  return {};
}

}  // namespace halo
