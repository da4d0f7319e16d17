// folder.cc - constant evaluation of one instruction through the reference kernels, the
// same code the reference runtime runs; used by the constant-folding pass and by the
// frontends, which fold while importing so that shape computations (Shape -> Gather ->
// Concat -> Reshape) become the constants later handlers need.
#include "halo/ops/folder.h"

#include <memory>

#include "semantics.h"

namespace halo::ir {

std::vector<Value*> try_fold_results(Function& f, Instruction* inst, int64_t limit_bytes) {
  if (inst->num_results() == 0 || inst->operands().empty()) return {};
  for (Value* v : inst->operands())
    if (v && !v->is_constant()) return {};
  int64_t total = 0;
  for (size_t r = 0; r < inst->num_results(); ++r) {
    int64_t bytes = inst->result(r)->type().num_bytes();
    if (bytes < 0 || bytes > limit_bytes - total) return {};
    total += bytes;
  }
  std::vector<sem::TensorView> in;
  for (Value* v : inst->operands()) {
    sem::TensorView tv;
    if (v) {
      tv.type = v->type();
      tv.data = const_cast<uint8_t*>(v->data().data());
    }
    in.push_back(tv);
  }
  std::vector<std::shared_ptr<std::vector<uint8_t>>> data;
  std::vector<sem::TensorView> out;
  for (size_t r = 0; r < inst->num_results(); ++r) {
    const Value* res = inst->result(r);
    data.push_back(std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(res->type().num_bytes())));
    out.push_back({res->type(), data.back()->data()});
  }
  if (!sem::run_kernel(inst->op(), in, inst->attrs(), out).empty()) return {};
  std::vector<Value*> constants;
  for (size_t r = 0; r < inst->num_results(); ++r) {
    Value* res = inst->result(r);
    std::string name = res->name();
    res->set_name(f.unique_name(name + ".folded"));
    Value* c = f.add_constant(name, res->type(), std::move(data[r]));
    f.replace_all_uses(res, c);
    constants.push_back(c);
  }
  f.erase(inst);
  return constants;
}

Value* try_fold(Function& f, Instruction* inst, int64_t limit_bytes) {
  auto cs = try_fold_results(f, inst, limit_bytes);
  return cs.empty() ? nullptr : cs.front();
}

}  // namespace halo::ir
