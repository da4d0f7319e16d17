// dead_code_elimination.cc - removes what no output depends on.
//
//   before: %a = Relu(%x)   %b = Tanh(%x)   return %a
//   after:  %a = Relu(%x)                   return %a
//
// Instructions are visited back to front so chains of dead values go in one sweep;
// constants without users go too. Arguments stay: they are the function's interface.
#include "halo/transforms/pass.h"

namespace halo {

Status dead_code_elimination(ir::Function& f, const PassOptions&) {
  auto insts = f.instruction_list();
  for (auto it = insts.rbegin(); it != insts.rend(); ++it) {
    ir::Instruction* inst = *it;
    bool live = false;
    for (size_t r = 0; r < inst->num_results(); ++r)
      live |= inst->result(r)->has_users() || f.is_output(inst->result(r));
    if (!live) f.erase(inst);
  }
  std::vector<ir::Value*> dead;
  for (const auto& c : f.constants())
    if (!c->has_users() && !f.is_output(c.get())) dead.push_back(c.get());
  for (ir::Value* c : dead) f.remove_constant(c);
  return {};
}

}  // namespace halo
