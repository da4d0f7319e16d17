// control_flow.cc - If, Loop and Scan by inlining their bodies (see control_flow.h).
#include "control_flow.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace halo::onnx_import {

namespace {

const onnx::GraphProto* graph_attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::GRAPH) return &a.g();
  return nullptr;
}

int64_t int_attr(const onnx::NodeProto& n, const char* name, int64_t fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::INT) return a.i();
  return fallback;
}

std::vector<int64_t> ints_attr(const onnx::NodeProto& n, const char* name, size_t count, int64_t fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::INTS) return {a.ints().begin(), a.ints().end()};
  return std::vector<int64_t>(count, fallback);
}

/// The dims a body input declares, if it declares a static shape (else scalar).
std::vector<int64_t> declared_dims(const onnx::ValueInfoProto& v) {
  std::vector<int64_t> dims;
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return dims;
  for (const auto& d : v.type().tensor_type().shape().dim()) {
    if (!d.has_dim_value()) return {};
    dims.push_back(d.dim_value());
  }
  return dims;
}

/// A scalar (or one-element) constant of `t` holding `value`.
template <typename T>
ir::Value* constant(NodeContext& ctx, const std::string& base, ir::DType t, std::vector<int64_t> dims, T value) {
  auto data = std::make_shared<std::vector<uint8_t>>(sizeof(T));
  std::memcpy(data->data(), &value, sizeof(T));
  return ctx.f.add_constant(ctx.f.unique_name(base), ir::TensorType{t, std::move(dims)}, std::move(data));
}

/// The value of a one-element bool constant, or -1 when `v` is not one.
int constant_bool(const ir::Value* v) {
  if (!v || !v->is_constant() || v->type().dtype != ir::DType::boolean || v->type().num_elements() != 1) return -1;
  return v->data_as<uint8_t>()[0] != 0 ? 1 : 0;
}

Expected<ir::Value*> reshape(NodeContext& ctx, ir::Value* v, std::vector<int64_t> dims, const std::string& name) {
  ir::AttrMap a;
  a.set("shape", std::move(dims));
  return ctx.emit(ir::OpKind::Reshape, {v}, std::move(a), ctx.f.unique_name(name));
}

/// Stacks equally shaped values along a new axis `axis` (in [0, rank]). Concat takes at
/// most 64 operands in ODLA, so long lists are joined in groups.
Expected<ir::Value*> stack(NodeContext& ctx, const std::vector<ir::Value*>& vs, int64_t axis, const std::string& name) {
  std::vector<ir::Value*> parts;
  // Names carry the item's index: unique_name probes base, base_1, base_2, ... with a
  // scan of the function each, so one shared base made unrolling thousands of
  // iterations cubic (a hostile trip count hung the importer for minutes).
  for (ir::Value* v : vs) {
    std::vector<int64_t> dims = v->type().dims;
    dims.insert(dims.begin() + axis, 1);
    auto r = reshape(ctx, v, dims, name + ".item" + std::to_string(parts.size()));
    if (!r) return r.status();
    parts.push_back(*r);
  }
  while (parts.size() > 1) {
    std::vector<ir::Value*> next;
    for (size_t i = 0; i < parts.size(); i += 64) {
      std::vector<ir::Value*> group(parts.begin() + static_cast<std::ptrdiff_t>(i),
                                    parts.begin() + static_cast<std::ptrdiff_t>(std::min(parts.size(), i + 64)));
      if (group.size() == 1) {
        next.push_back(group[0]);
        continue;
      }
      ir::AttrMap a;
      a.set("axis", axis);
      auto c = ctx.emit(ir::OpKind::Concat, group, std::move(a), ctx.f.unique_name(name));
      if (!c) return c.status();
      next.push_back(*c);
    }
    parts = std::move(next);
  }
  return parts.front();
}

Status check_count(NodeContext& ctx, const char* what, size_t got, size_t want) {
  if (got == want) return {};
  return ctx.error(ErrorKind::Parse, std::string(what) + " has " + std::to_string(got) + " outputs, expected " +
                                         std::to_string(want));
}

Expected<std::vector<ir::Value*>> import_if(NodeContext& ctx, SubgraphImporter& sub) {
  const auto* then_g = graph_attr(ctx.node, "then_branch");
  const auto* else_g = graph_attr(ctx.node, "else_branch");
  if (!then_g || !else_g) return ctx.error(ErrorKind::Parse, "then_branch and else_branch must be graph attributes");
  ir::Value* cond = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
  if (!cond || cond->type().dtype != ir::DType::boolean || cond->type().num_elements() != 1)
    return ctx.error(ErrorKind::Parse, "input 0 (cond) must be a one-element bool tensor");
  size_t n = static_cast<size_t>(ctx.node.output_size());
  if (int known = constant_bool(cond); known >= 0) {
    auto outs = sub.inline_graph(known ? *then_g : *else_g, {}, ctx.name + (known ? "/then" : "/else"));
    if (!outs) return outs.status();
    HALO_TRY(check_count(ctx, known ? "then_branch" : "else_branch", outs->size(), n));
    return outs;
  }
  auto then_outs = sub.inline_graph(*then_g, {}, ctx.name + "/then");
  if (!then_outs) return then_outs.status();
  auto else_outs = sub.inline_graph(*else_g, {}, ctx.name + "/else");
  if (!else_outs) return else_outs.status();
  HALO_TRY(check_count(ctx, "then_branch", then_outs->size(), n));
  HALO_TRY(check_count(ctx, "else_branch", else_outs->size(), n));
  if (cond->type().rank() > 0) {
    auto scalar = reshape(ctx, cond, {}, ctx.name + "/cond");
    if (!scalar) return scalar.status();
    cond = *scalar;
  }
  std::vector<ir::Value*> results;
  for (size_t k = 0; k < n; ++k) {
    ir::Value* t = (*then_outs)[k];
    ir::Value* e = (*else_outs)[k];
    if (t->type() != e->type())
      return ctx.error(ErrorKind::Unsupported, "output " + std::to_string(k) + " is " + sem::to_string(t->type()) +
                                                   " in then_branch but " + sem::to_string(e->type()) +
                                                   " in else_branch; with a condition known only at run time "
                                                   "both must have the same static type");
    auto w = ctx.emit(ir::OpKind::Where, {cond, t, e}, {}, ctx.f.unique_name(ctx.node.output(static_cast<int>(k))));
    if (!w) return w.status();
    results.push_back(*w);
  }
  return results;
}

/// Normalizes an axis of a tensor of rank `rank` (or, for stacking, rank + 1).
Expected<int64_t> axis_in(NodeContext& ctx, int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank)
    return ctx.error(ErrorKind::Parse, std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
                                           std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

/// The opset-9 Scan on already resolved operands: unrolls `body` over the scan axis.
Expected<std::vector<ir::Value*>> unroll_scan(NodeContext& ctx, SubgraphImporter& sub, const onnx::GraphProto& body,
                                              std::vector<ir::Value*> states, const std::vector<ir::Value*>& xs,
                                              const std::string& scope) {
  size_t n = states.size(), m = xs.size();
  auto in_axes = ints_attr(ctx.node, "scan_input_axes", m, 0);
  auto in_dirs = ints_attr(ctx.node, ctx.opset < 9 ? "directions" : "scan_input_directions", m, 0);
  size_t k_out = static_cast<size_t>(body.output_size()) >= n ? static_cast<size_t>(body.output_size()) - n : 0;
  auto out_axes = ints_attr(ctx.node, "scan_output_axes", k_out, 0);
  auto out_dirs = ints_attr(ctx.node, "scan_output_directions", k_out, 0);
  if (in_axes.size() != m || in_dirs.size() != m || out_axes.size() != k_out || out_dirs.size() != k_out)
    return ctx.error(ErrorKind::Parse, "the scan axes/directions attributes do not match the number of scan inputs/outputs");
  int64_t length = -1;
  for (size_t j = 0; j < m; ++j) {
    auto a = axis_in(ctx, in_axes[j], static_cast<int64_t>(xs[j]->type().rank()), "scan_input_axes entry");
    if (!a) return a.status();
    in_axes[j] = *a;
    int64_t len = xs[j]->type().dims[static_cast<size_t>(*a)];
    if (length >= 0 && len != length)
      return ctx.error(ErrorKind::Parse, "the scan inputs have different lengths (" + std::to_string(length) + " and " +
                                             std::to_string(len) + ")");
    length = len;
  }
  if (m == 0) return ctx.error(ErrorKind::Parse, "Scan needs at least one scan input");
  if (length > kMaxUnrolledIterations)
    return ctx.error(ErrorKind::Unsupported, "the scan length " + std::to_string(length) + " exceeds the unrolling limit of " +
                                                 std::to_string(kMaxUnrolledIterations));
  if (length == 0 && k_out > 0)
    return ctx.error(ErrorKind::Unsupported, "a scan of length 0 has scan outputs of unknown shape");
  std::vector<std::vector<ir::Value*>> scans(k_out);
  for (int64_t t = 0; t < length; ++t) {
    std::vector<ir::Value*> args = states;
    for (size_t j = 0; j < m; ++j) {
      int64_t at = in_dirs[j] ? length - 1 - t : t;
      // Per-iteration names (see stack()).
      std::string it = scope + "/iter" + std::to_string(t);
      ir::Value* idx = constant(ctx, it + "/t", ir::DType::i64, {}, at);
      ir::AttrMap a;
      a.set("axis", in_axes[j]);
      auto slice = ctx.emit(ir::OpKind::Gather, {xs[j], idx}, std::move(a), ctx.f.unique_name(it + "/x"));
      if (!slice) return slice.status();
      args.push_back(*slice);
    }
    auto outs = sub.inline_graph(body, args, scope + "/iter" + std::to_string(t));
    if (!outs) return outs.status();
    HALO_TRY(check_count(ctx, "the body", outs->size(), n + k_out));
    for (size_t i = 0; i < n; ++i) states[i] = (*outs)[i];
    for (size_t k = 0; k < k_out; ++k) scans[k].push_back((*outs)[n + k]);
  }
  std::vector<ir::Value*> results = states;
  for (size_t k = 0; k < k_out; ++k) {
    if (out_dirs[k]) std::reverse(scans[k].begin(), scans[k].end());
    auto a = axis_in(ctx, out_axes[k], static_cast<int64_t>(scans[k][0]->type().rank()) + 1, "scan_output_axes entry");
    if (!a) return a.status();
    auto s = stack(ctx, scans[k], *a, scope + "/scan" + std::to_string(k));
    if (!s) return s.status();
    results.push_back(*s);
  }
  return results;
}

Expected<std::vector<ir::Value*>> import_scan(NodeContext& ctx, SubgraphImporter& sub) {
  const auto* body = graph_attr(ctx.node, "body");
  if (!body) return ctx.error(ErrorKind::Parse, "attribute 'body' must be a graph");
  int64_t m = int_attr(ctx.node, "num_scan_inputs", -1);
  std::vector<ir::Value*> ins = ctx.inputs;
  if (ctx.opset < 9) {
    // Opset 8: an optional sequence_lens first, and every operand has a batch axis 0.
    if (!ins.empty() && ins[0])
      return ctx.error(ErrorKind::Unsupported, "input 0 (sequence_lens) is not supported; all sequences have full length");
    if (!ins.empty()) ins.erase(ins.begin());
  }
  if (m < 1 || m > static_cast<int64_t>(ins.size()))
    return ctx.error(ErrorKind::Parse, "num_scan_inputs must be in [1, " + std::to_string(ins.size()) + "]");
  for (ir::Value* v : ins)
    if (!v) return ctx.error(ErrorKind::Parse, "Scan operands cannot be omitted");
  size_t n = ins.size() - static_cast<size_t>(m);
  if (ctx.opset >= 9) {
    return unroll_scan(ctx, sub, *body, {ins.begin(), ins.begin() + static_cast<std::ptrdiff_t>(n)},
                       {ins.begin() + static_cast<std::ptrdiff_t>(n), ins.end()}, ctx.name);
  }
  // Opset 8: one opset-9 scan per batch entry, the results stacked along axis 0.
  for (ir::Value* v : ins)
    if (v->type().rank() == 0) return ctx.error(ErrorKind::Parse, "opset-8 Scan operands need a batch axis");
  int64_t batch = ins[0]->type().dims[0];
  if (batch > kMaxUnrolledIterations) return ctx.error(ErrorKind::Unsupported, "the batch is too large to unroll");
  std::vector<std::vector<ir::Value*>> per_output;
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<ir::Value*> part;
    for (ir::Value* v : ins) {
      ir::Value* idx = constant(ctx, ctx.name + "/b", ir::DType::i64, {}, b);
      auto g = ctx.emit(ir::OpKind::Gather, {v, idx}, {}, ctx.f.unique_name(ctx.name + "/batch"));
      if (!g) return g.status();
      part.push_back(*g);
    }
    auto outs = unroll_scan(ctx, sub, *body, {part.begin(), part.begin() + static_cast<std::ptrdiff_t>(n)},
                            {part.begin() + static_cast<std::ptrdiff_t>(n), part.end()},
                            ctx.name + "/batch" + std::to_string(b));
    if (!outs) return outs.status();
    per_output.resize(outs->size());
    for (size_t k = 0; k < outs->size(); ++k) per_output[k].push_back((*outs)[k]);
  }
  if (batch == 0) return ctx.error(ErrorKind::Unsupported, "an empty batch gives results of unknown shape");
  std::vector<ir::Value*> results;
  for (size_t k = 0; k < per_output.size(); ++k) {
    auto s = stack(ctx, per_output[k], 0, ctx.name + "/out" + std::to_string(k));
    if (!s) return s.status();
    results.push_back(*s);
  }
  return results;
}

Expected<std::vector<ir::Value*>> import_loop(NodeContext& ctx, SubgraphImporter& sub) {
  const auto* body = graph_attr(ctx.node, "body");
  if (!body) return ctx.error(ErrorKind::Parse, "attribute 'body' must be a graph");
  if (ctx.inputs.size() < 2) return ctx.error(ErrorKind::Parse, "Loop needs the inputs M and cond (either may be empty)");
  ir::Value* m = ctx.inputs[0];
  ir::Value* cond = ctx.inputs[1];
  int64_t trip = INT64_MAX;
  if (m) {
    if (!m->is_constant() || m->type().num_elements() != 1)
      return ctx.error(ErrorKind::Unsupported, "input 0 (M) must be a constant: HALO unrolls loops, and the trip count "
                                               "decides the shapes of the scan outputs");
    auto v = ctx.constant_ints(0);
    if (!v) return v.status();
    trip = (*v)[0];
  }
  int go = 1;
  if (cond) {
    go = constant_bool(cond);
    if (go < 0) return ctx.error(ErrorKind::Unsupported, "input 1 (cond) must be a constant: HALO unrolls loops");
  }
  std::vector<ir::Value*> carried(ctx.inputs.begin() + 2, ctx.inputs.end());
  for (ir::Value* v : carried)
    if (!v) return ctx.error(ErrorKind::Parse, "loop-carried operands cannot be omitted");
  size_t n = carried.size();
  if (body->input_size() != static_cast<int>(n + 2) || body->output_size() < static_cast<int>(n + 1))
    return ctx.error(ErrorKind::Parse, "the body must take 2 + " + std::to_string(n) + " inputs and return at least 1 + " +
                                           std::to_string(n) + " outputs");
  size_t k_out = static_cast<size_t>(body->output_size()) - 1 - n;
  std::vector<int64_t> iter_dims = declared_dims(body->input(0));
  std::vector<int64_t> cond_dims = declared_dims(body->input(1));
  std::vector<std::vector<ir::Value*>> scans(k_out);
  int64_t i = 0;
  for (; i < trip && go; ++i) {
    if (i >= kMaxUnrolledIterations)
      return ctx.error(ErrorKind::Unsupported, "the loop runs more than " + std::to_string(kMaxUnrolledIterations) +
                                                   " iterations, the unrolling limit");
    std::vector<ir::Value*> args;
    // Per-iteration names (see stack()).
    std::string it = ctx.name + "/iter" + std::to_string(i);
    args.push_back(constant(ctx, it + "/i", ir::DType::i64, iter_dims, i));
    args.push_back(constant(ctx, it + "/cond", ir::DType::boolean, cond_dims, uint8_t{1}));
    args.insert(args.end(), carried.begin(), carried.end());
    auto outs = sub.inline_graph(*body, args, ctx.name + "/iter" + std::to_string(i));
    if (!outs) return outs.status();
    go = constant_bool((*outs)[0]);
    if (go < 0)
      return ctx.error(ErrorKind::Unsupported, "the condition computed by iteration " + std::to_string(i) +
                                                   " is not known at compile time; HALO unrolls loops");
    for (size_t c = 0; c < n; ++c) carried[c] = (*outs)[1 + c];
    for (size_t k = 0; k < k_out; ++k) scans[k].push_back((*outs)[1 + n + k]);
  }
  if (i == 0 && k_out > 0) return ctx.error(ErrorKind::Unsupported, "a loop of 0 iterations has scan outputs of unknown shape");
  std::vector<ir::Value*> results = carried;
  for (size_t k = 0; k < k_out; ++k) {
    auto s = stack(ctx, scans[k], 0, ctx.name + "/scan" + std::to_string(k));
    if (!s) return s.status();
    results.push_back(*s);
  }
  return results;
}

}  // namespace

bool is_control_flow(const onnx::NodeProto& n) {
  if (!n.domain().empty() && n.domain() != "ai.onnx") return false;
  return n.op_type() == "If" || n.op_type() == "Loop" || n.op_type() == "Scan";
}

Expected<std::vector<ir::Value*>> import_control_flow(NodeContext& ctx, SubgraphImporter& sub) {
  if (ctx.node.op_type() == "If") return import_if(ctx, sub);
  if (ctx.node.op_type() == "Scan") return import_scan(ctx, sub);
  return import_loop(ctx, sub);
}

}  // namespace halo::onnx_import
