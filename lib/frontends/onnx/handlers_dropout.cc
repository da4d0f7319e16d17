// handlers_dropout.cc - ONNX Dropout: Identity when only the output at inference is used,
// otherwise IR Dropout (ops/dropout.toml), which also computes the mask and the
// training-mode (seeded) dropout.
//
// ratio is an attribute before opset 12 and an optional constant input from 12 on, as is
// training_mode (before 12 Dropout is always the identity at inference).
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_dropout(NodeContext& ctx) {
  double ratio = ctx.attrs.get_float("ratio", 0.5);
  bool training = false;
  if (ctx.opset >= 12) {
    if (ctx.inputs.size() > 1 && ctx.inputs[1]) {
      auto r = ctx.constant_scalar(1);
      if (!r) return ctx.error(ErrorKind::Unsupported, "input 1 (ratio) must be a constant scalar");
      ratio = *r;
    }
    if (ctx.inputs.size() > 2 && ctx.inputs[2]) {
      auto t = ctx.constant_scalar(2);
      if (!t) return ctx.error(ErrorKind::Unsupported, "input 2 (training_mode) must be a constant scalar");
      training = *t != 0;
    }
  }
  // Before opset 10 the mask had X's type, which IR Dropout does not produce: then only
  // Y is produced, and the importer reports a used mask as an unsupported output.
  bool mask = ctx.opset >= 10 && ctx.output_used(1);
  int64_t seed = ctx.attrs.get_int("seed", 0);
  ctx.attrs = {};
  ctx.inputs.resize(1);
  if (!mask && !training) {
    ctx.op = ir::OpKind::Identity;
    return emit_default(ctx);
  }
  // Without a seed attribute ONNX lets the runtime pick one; a fixed 0 keeps the
  // compiled model deterministic.
  ctx.attrs.set("ratio", ratio);
  ctx.attrs.set("training_mode", int64_t{training});
  ctx.attrs.set("seed", seed);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
