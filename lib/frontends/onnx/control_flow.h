// control_flow.h - ONNX If, Loop and Scan, imported by inlining their sub-graphs.
//
// HALO compiles ahead of time with static shapes, and ODLA has no control-flow calls, so
// control flow is resolved at import time:
// - If: with a condition known at compile time, only the taken branch is imported;
//   otherwise both branches are imported and each output becomes Where(cond, then, else).
//   ONNX operators are side-effect free, so computing both branches is correct; the
//   branches must give outputs of the same type and shape.
// - Scan: unrolled over the (static) length of the scan axis; scan outputs are stacked.
// - Loop: unrolled. The trip count and the condition must be known at compile time in
//   every iteration (constants, or values that fold to constants), since they decide how
//   many iterations run and therefore the shapes of the scan outputs.
// Sub-graph bodies refer to outer values by name; each inlined copy gets its internal
// names prefixed with a unique scope, so the IR keeps unique value names.
#pragma once

#include <string>
#include <vector>

#include "onnx_context.h"

namespace halo::onnx_import {

/// What the control-flow handlers need from the importer.
class SubgraphImporter {
 public:
  virtual ~SubgraphImporter() = default;
  /// Imports `body` inline: body input i is bound to `inputs[i]`, internal names are
  /// prefixed with `scope`; returns the body's outputs in order.
  virtual Expected<std::vector<ir::Value*>> inline_graph(const onnx::GraphProto& body,
                                                         const std::vector<ir::Value*>& inputs,
                                                         const std::string& scope) = 0;
};

/// True for the control-flow operators handled here.
bool is_control_flow(const onnx::NodeProto& n);

/// Imports one If / Loop / Scan node; returns the value of each node output.
Expected<std::vector<ir::Value*>> import_control_flow(NodeContext& ctx, SubgraphImporter& sub);

/// The upper bound on unrolled iterations (Loop, Scan), against runaway models.
constexpr int64_t kMaxUnrolledIterations = 4096;

}  // namespace halo::onnx_import
