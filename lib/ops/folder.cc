// folder.cc - constant evaluation of one instruction through the reference kernels, the
// same code the reference runtime runs; used by the constant-folding pass and by the
// frontends, which fold while importing so that shape computations (Shape -> Gather ->
// Concat -> Reshape) become the constants later handlers need.
#include "halo/ops/folder.h"

#include <memory>

#include "semantics.h"

namespace halo::ir {

Value* try_fold(Function& f, Instruction* inst, int64_t limit_bytes) {
  if (inst->num_results() != 1 || inst->operands().empty()) return nullptr;
  for (Value* v : inst->operands())
    if (v && !v->is_constant()) return nullptr;
  Value* res = inst->result();
  int64_t bytes = res->type().num_bytes();
  if (bytes < 0 || bytes > limit_bytes) return nullptr;
  std::vector<sem::TensorView> in;
  for (Value* v : inst->operands()) {
    sem::TensorView tv;
    if (v) {
      tv.type = v->type();
      tv.data = const_cast<uint8_t*>(v->data().data());
    }
    in.push_back(tv);
  }
  auto data = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(bytes));
  sem::TensorView out{res->type(), data->data()};
  if (!sem::run_kernel(inst->op(), in, inst->attrs(), std::span<sem::TensorView>(&out, 1)).empty()) return nullptr;
  std::string name = res->name();
  res->set_name(f.unique_name(name + ".folded"));
  Value* c = f.add_constant(name, res->type(), std::move(data));
  f.replace_all_uses(res, c);
  f.erase(inst);
  return c;
}

}  // namespace halo::ir
