// handlers_pool_indices.cc - ONNX MaxPool: plain IR MaxPool, or MaxPoolWithIndices when
// the node's second output (the indices, which exist from opset 8 on) is used.
// storage_order only matters for the indices, so plain MaxPool drops it. auto_pad is
// resolved into pads by handle_auto_pad (handlers.cc), as for the other pools.
#include "onnx_context.h"

namespace halo::onnx_import {

Expected<std::vector<ir::Value*>> handle_max_pool(NodeContext& ctx) {
  int64_t order = ctx.attrs.get_int("storage_order", 0);
  ctx.attrs.erase("storage_order");
  if (ctx.opset >= 8 && ctx.output_used(1)) {
    ctx.op = ir::OpKind::MaxPoolWithIndices;
    ctx.attrs.set("storage_order", order);
  }
  return handle_auto_pad(ctx);
}

}  // namespace halo::onnx_import
