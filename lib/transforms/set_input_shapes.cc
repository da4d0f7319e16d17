// set_input_shapes.cc - applies --batch-size and --input-shape to the function arguments.
//
//   before: func @m(%x: f32[1,3,224,224])       (--batch-size=8)
//   after:  func @m(%x: f32[8,3,224,224])
//
// Only arguments change here; shape-inference, which runs next, propagates the new
// types through the instructions.
#include "halo/transforms/pass.h"

namespace halo {

Status set_input_shapes(ir::Function& f, const PassOptions& opts) {
  if (opts.batch_size > 0)
    for (const auto& a : f.arguments()) {
      auto t = a->type();
      if (!t.dims.empty()) {
        t.dims[0] = opts.batch_size;
        a->set_type(t);
      }
    }
  for (const auto& [name, dims] : opts.input_shapes) {
    ir::Value* arg = nullptr;
    for (const auto& a : f.arguments())
      if (a->name() == name) arg = a.get();
    if (!arg) {
      std::string known;
      for (const auto& a : f.arguments()) known += (known.empty() ? "" : ", ") + a->name();
      return make_error(ErrorKind::Usage, "--input-shape: the model has no input '" + name + "' (inputs: " + known + ")");
    }
    auto t = arg->type();
    t.dims = dims;
    arg->set_type(t);
  }
  return {};
}

}  // namespace halo
