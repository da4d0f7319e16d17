// verifier.cc - the IR invariants every pass must preserve (run after each pass in tests
// with --verify-each).
#include "halo/ir/verifier.h"

#include <unordered_set>

#include "halo/ops/builder.h"

namespace halo::ir {

Status verify(const Function& f) {
  auto fail = [&](const std::string& m) { return make_error(ErrorKind::Failure, "verifier: @" + f.name() + ": " + m); };
  std::unordered_set<std::string> names;
  std::unordered_set<const Value*> defined;
  auto def = [&](const Value* v) -> Status {
    if (v->name().empty()) return fail("a value has no name");
    if (!names.insert(v->name()).second) return fail("value '" + v->name() + "' is defined twice");
    defined.insert(v);
    return {};
  };
  for (const auto& a : f.arguments()) HALO_TRY(def(a.get()));
  for (const auto& c : f.constants()) {
    HALO_TRY(def(c.get()));
    int64_t bytes = c->type().num_bytes();
    if (bytes < 0 || static_cast<size_t>(bytes) != c->data().size())
      return fail("constant '" + c->name() + "' of type " + sem::to_string(c->type()) + " holds " +
                  std::to_string(c->data().size()) + " bytes");
  }
  for (const auto& inst : f.instructions()) {
    const std::string& n = inst->name();
    for (Value* v : inst->operands())
      if (v && !defined.count(v)) return fail("node '" + n + "' uses '" + v->name() + "' before its definition");
    HALO_TRY(check_schema(inst->op(), inst->operands(), inst->attrs(), n));
    auto types = infer_result_types(inst->op(), inst->operands(), inst->attrs(), n);
    if (!types) return fail(types.message());
    if (types->size() != inst->num_results()) return fail("node '" + n + "' has the wrong number of results");
    for (size_t r = 0; r < inst->num_results(); ++r) {
      if ((*types)[r] != inst->result(r)->type())
        return fail("node '" + n + "' result has type " + sem::to_string(inst->result(r)->type()) +
                    " but its operands give " + sem::to_string((*types)[r]));
      HALO_TRY(def(inst->result(r)));
    }
  }
  if (f.outputs().empty()) return fail("the function has no outputs");
  for (Value* o : f.outputs())
    if (!defined.count(o)) return fail("output '" + (o ? o->name() : std::string("<null>")) + "' is not a value of the function");
  return {};
}

Status verify(const Module& m) {
  for (const auto& f : m.functions) HALO_TRY(verify(*f));
  return {};
}

}  // namespace halo::ir
