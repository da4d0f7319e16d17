// onnx_context.h - state shared by the ONNX importer and its per-op handlers.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "halo/frontends/frontend.h"
#include "halo/ops/builder.h"
#include "onnx/onnx_pb.h"

namespace halo::onnx_import {

/// Everything a handler needs to turn one ONNX node into IR.
struct NodeContext {
  ir::Function& f;
  const onnx::NodeProto& node;
  std::string name;                 ///< node name, or its first output when unnamed
  int64_t opset;
  std::string where;                ///< "file: node 'n' (Op, opset 13)" for diagnostics
  std::vector<ir::Value*> inputs;   ///< resolved operands (null for empty names)
  ir::OpKind op;                    ///< the IR op from the mapping table
  ir::AttrMap attrs;                ///< attributes converted by the generic mapping

  Status error(ErrorKind k, const std::string& what) const { return make_error(k, where + ": " + what); }
  /// Creates an IR instruction named after output `i` of the node (or a derived name).
  Expected<ir::Value*> emit(ir::OpKind op, std::vector<ir::Value*> operands, ir::AttrMap attrs,
                            const std::string& name) const;
  /// An IR builder error restated for this node (file, node, ONNX op, opset).
  Status restated(const Status& s) const;
  /// Creates an instruction and returns all its results: one for most ops; for
  /// multi-result ops, result k is named after the node's output k.
  Expected<std::vector<ir::Value*>> emit_results(ir::OpKind op, std::vector<ir::Value*> operands,
                                                 ir::AttrMap attrs) const;
  /// A constant operand as int64 values (int32/int64 tensors); error if not constant.
  Expected<std::vector<int64_t>> constant_ints(size_t input) const;
  /// A constant scalar operand as double; nullopt-like error if not a constant.
  Expected<double> constant_scalar(size_t input) const;
  /// True when output `i` of the node is named and used later (graph output or input).
  bool output_used(size_t i) const;
  std::unordered_map<std::string, int>* use_counts = nullptr;
};

/// A handler finishes the import of one node: it may adjust ctx.attrs/ctx.inputs and
/// create the instruction(s); it returns the value for each ONNX output (null when the
/// output is unused and not produced).
using Handler = Expected<std::vector<ir::Value*>> (*)(NodeContext& ctx);

/// The handler named in ops/frontends/onnx.toml, or null.
Handler find_handler(std::string_view name);

/// Every handler named in the mapping tables (generated declarations).
#define ONNX_HANDLER_DECLS
#include "onnx_handlers.inc"
#undef ONNX_HANDLER_DECLS

/// Creates the instruction of ctx.op with ctx.inputs and ctx.attrs (the default path).
Expected<std::vector<ir::Value*>> emit_default(NodeContext& ctx);

}  // namespace halo::onnx_import
