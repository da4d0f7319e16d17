// cut_graph.cc - compiles a part of the model: --inputs values become arguments and
// --outputs values become the outputs.
//
//   before: func @m(%x) { %a = Relu(%x)  %b = Tanh(%a)  %c = Sigmoid(%b)  return %c }
//   after (--inputs=a --outputs=b):
//           func @m(%a) { %b = Tanh(%a)  return %b }
//
// The new arguments come in the order --inputs lists them.
#include <algorithm>

#include "halo/transforms/pass.h"

namespace halo {

Status cut_graph(ir::Function& f, const PassOptions& opts) {
  if (!opts.outputs.empty()) {
    std::vector<ir::Value*> outs;
    for (const auto& n : opts.outputs) {
      ir::Value* v = f.find_value(n);
      if (!v) return make_error(ErrorKind::Usage, "--outputs: the model has no value named '" + n + "'");
      if (std::find(outs.begin(), outs.end(), v) != outs.end())
        return make_error(ErrorKind::Usage, "--outputs: '" + n + "' is listed twice");
      outs.push_back(v);
    }
    f.set_outputs(outs);
  }
  if (opts.inputs.empty()) return dead_code_elimination(f, opts);
  std::vector<ir::Value*> new_args;
  for (const auto& n : opts.inputs) {
    ir::Value* v = f.find_value(n);
    if (!v) return make_error(ErrorKind::Usage, "--inputs: the model has no value named '" + n + "'");
    if (std::find(new_args.begin(), new_args.end(), v) != new_args.end())
      return make_error(ErrorKind::Usage, "--inputs: '" + n + "' is listed twice");
    if (v->is_argument()) {
      new_args.push_back(v);
      continue;
    }
    v->set_name(f.unique_name(n + ".cut"));
    ir::Value* arg = f.add_argument(n, v->type());
    f.replace_all_uses(v, arg);
    new_args.push_back(arg);
  }
  HALO_TRY(dead_code_elimination(f, opts));
  std::vector<ir::Value*> drop;
  for (const auto& a : f.arguments()) {
    bool listed = std::find(new_args.begin(), new_args.end(), a.get()) != new_args.end();
    if (listed) continue;
    if (a->has_users() || f.is_output(a.get()))
      return make_error(ErrorKind::Usage, "--inputs: the outputs still depend on input '" + a->name() +
                                              "', which is not listed in --inputs");
    drop.push_back(a.get());
  }
  for (ir::Value* a : drop) f.remove_argument(a);
  f.set_argument_order(new_args);  // the entry function takes them in the order listed
  return {};
}

}  // namespace halo
