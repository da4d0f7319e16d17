// fuse_matmul_bias.cc - turns a MatMul (or a Gemm without C) followed by the addition of
// a constant into one Gemm with that constant as C.
//
//   before: %m = MatMul(%a, %w) : f32[1,10]   %y = Add(%m, %b) : f32[1,10]   (%b: f32[10])
//   after:  %y = Gemm(%a, %w, %b) {alpha = 1.0, beta = 1.0, ...} : f32[1,10]
//
// Only 2-D products qualify (Gemm is 2-D) and only constants that broadcast to the
// result without growing it.
#include "halo/ops/builder.h"
#include "halo/transforms/pass.h"
#include "halo/transforms/rewrite_utils.h"

namespace halo {

Status fuse_matmul_bias(ir::Function& f, const PassOptions&) {
  for (ir::Instruction* add : f.instruction_list()) {
    auto m = match_add_of_constant(f, add, ir::OpKind::MatMul);
    if (!m) m = match_add_of_constant(f, add, ir::OpKind::Gemm);
    if (!m) continue;
    ir::Instruction* mm = m->producer;
    if (mm->op() == ir::OpKind::Gemm && mm->operand(2)) continue;
    if (mm->result()->type().rank() != 2 || mm->operand(0)->type().rank() != 2 || mm->operand(1)->type().rank() != 2)
      continue;
    if (m->constant->type().rank() > 2) continue;
    ir::AttrMap attrs = mm->op() == ir::OpKind::Gemm ? mm->attrs() : ir::AttrMap{};
    attrs.set("beta", 1.0);
    auto gemm = ir::create_op(f, ir::OpKind::Gemm, {mm->operand(0), mm->operand(1), m->constant}, attrs,
                              f.unique_name(add->name() + ".gemm"), add);
    if (!gemm || (*gemm)->result()->type() != add->result()->type()) {
      if (gemm) f.erase(*gemm);
      continue;
    }
    replace_with_producer(f, add, *gemm);
  }
  return dead_code_elimination(f, {});
}

}  // namespace halo
