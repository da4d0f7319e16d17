// handlers_attention.cc - ONNX Attention (opset 23/24). Named in
// ops/frontends/onnx_attention.toml.
//
// A node whose outputs present_key, present_value or qk_matmul_output are all unused
// becomes IR Attention (one result); otherwise AttentionWithCacheAndScores, which
// produces all four (ops/attention.toml says why these are two ops).
// qk_matmul_output_mode only concerns output 3, so plain Attention has no such attribute.
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_attention(NodeContext& ctx) {
  bool extra = ctx.output_used(1) || ctx.output_used(2) || ctx.output_used(3);
  const sem::AttrValue* mode = ctx.attrs.find("qk_matmul_output_mode");
  int64_t qk_mode = 0;
  if (mode) {
    const auto* i = std::get_if<int64_t>(mode);
    if (!i) return ctx.error(ErrorKind::Parse, "attribute 'qk_matmul_output_mode' must be an int");
    qk_mode = *i;
    ctx.attrs.erase("qk_matmul_output_mode");
  }
  if (!extra) return emit_default(ctx);
  ctx.op = ir::OpKind::AttentionWithCacheAndScores;
  ctx.attrs.set("qk_matmul_output_mode", qk_mode);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
