// constant_folding.cc - evaluates instructions whose operands are all constants.
//
//   before: %s = constant f32[2] dense<[1.0, 2.0]>   %t = Relu(%s) : f32[2]
//   after:  %t = constant f32[2] dense<[1.0, 2.0]>
//
// The folder runs the reference kernels (halo::sem::run_kernel), the same code the
// reference runtime executes, so a folded model computes what the unfolded one would.
// Results larger than PassOptions::fold_limit_bytes are left alone (folding must not
// blow up the weights file).
#include <memory>

#include "halo/transforms/pass.h"
#include "semantics.h"

namespace halo {

Status constant_folding(ir::Function& f, const PassOptions& opts) {
  for (ir::Instruction* inst : f.instruction_list()) {
    if (inst->num_results() != 1) continue;
    bool all_const = !inst->operands().empty();
    for (ir::Value* v : inst->operands()) all_const &= (v == nullptr || v->is_constant());
    if (!all_const) continue;
    ir::Value* res = inst->result();
    int64_t bytes = res->type().num_bytes();
    if (bytes < 0 || bytes > opts.fold_limit_bytes) continue;
    std::vector<sem::TensorView> in;
    for (ir::Value* v : inst->operands()) {
      sem::TensorView tv;
      if (v) {
        tv.type = v->type();
        tv.data = const_cast<uint8_t*>(v->data().data());
      }
      in.push_back(tv);
    }
    auto data = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(bytes));
    sem::TensorView out{res->type(), data->data()};
    std::string err = sem::run_kernel(inst->op(), in, inst->attrs(), std::span<sem::TensorView>(&out, 1));
    if (!err.empty()) continue;  // e.g. a dtype the reference kernel lacks: keep it for the runtime
    std::string name = res->name();
    res->set_name(f.unique_name(name + ".folded"));
    ir::Value* c = f.add_constant(name, res->type(), std::move(data));
    f.replace_all_uses(res, c);
    f.erase(inst);
  }
  return dead_code_elimination(f, opts);
}

}  // namespace halo
