// handlers.cc - ONNX operators whose form changed across opsets or that expand into
// several IR operators. Each handler is named in ops/frontends/onnx.toml.
//
// The IR follows the newest opset; these functions translate older forms onto it:
// attributes that became inputs (Clip, Reshape), changed semantics (Softmax before 13),
// padding computed from auto_pad, and ops that are other ops in disguise (Flatten).
#include <cstring>

#include "halo/ops/folder.h"
#include "onnx_context.h"

namespace halo::onnx_import {

namespace {
// Folding while importing is for shape computations; large constant subgraphs are left
// to the constant-folding pass and its own limit.
constexpr int64_t kImportFoldLimitBytes = int64_t{16} << 20;
}  // namespace

// create_op names the node by value; restate its error with the file, ONNX op and opset.
Status NodeContext::restated(const Status& s) const {
  const std::string& m = s.message();
  auto colon = m.find("): ");
  return make_error(s.kind(), where + ": " + (colon == std::string::npos ? m : m.substr(colon + 3)));
}

Expected<ir::Value*> NodeContext::emit(ir::OpKind kind, std::vector<ir::Value*> operands, ir::AttrMap a,
                                       const std::string& value_name) const {
  // An unnamed output still needs a unique IR name.
  const std::string& n = value_name.empty() ? f.unique_name(name + ".out") : value_name;
  auto inst = ir::create_op(f, kind, std::move(operands), std::move(a), n);
  if (!inst) return restated(inst.status());
  // Fold at once when every operand is a constant, so that computed shapes and axes are
  // constants by the time a later node's handler needs them.
  if (ir::Value* c = ir::try_fold(f, *inst, kImportFoldLimitBytes)) return c;
  return (*inst)->result();
}

Expected<std::vector<ir::Value*>> NodeContext::emit_results(ir::OpKind kind, std::vector<ir::Value*> operands,
                                                            ir::AttrMap a) const {
  if (!sem::op_schema(kind).multi_result()) {
    auto v = emit(kind, std::move(operands), std::move(a), node.output(0));
    if (!v) return v.status();
    return std::vector<ir::Value*>{*v};
  }
  auto first = node.output_size() > 0 && !node.output(0).empty() ? node.output(0) : f.unique_name(name + ".out");
  auto inst = ir::create_op(f, kind, std::move(operands), std::move(a), first);
  if (!inst) return restated(inst.status());
  // Results after the first carry the node's output names, so that graph outputs keep
  // their ONNX names in the generated entry function.
  std::vector<ir::Value*> out;
  for (size_t r = 0; r < (*inst)->num_results(); ++r) {
    ir::Value* v = (*inst)->result(r);
    if (r > 0 && r < static_cast<size_t>(node.output_size()) && !node.output(static_cast<int>(r)).empty()) {
      v->set_name("");  // its provisional name must not count as taken
      v->set_name(f.unique_name(node.output(static_cast<int>(r))));
    }
    out.push_back(v);
  }
  // Fold now, as emit() does, so that results computed from constants are constants for
  // later handlers (Split of a constant shape, say).
  if (auto folded = ir::try_fold_results(f, *inst, kImportFoldLimitBytes); !folded.empty()) return folded;
  return out;
}

Expected<std::vector<int64_t>> NodeContext::constant_ints(size_t i) const {
  ir::Value* v = i < inputs.size() ? inputs[i] : nullptr;
  if (!v || !v->is_constant())
    return error(ErrorKind::Unsupported, "input " + std::to_string(i) + " must be a constant (computed shapes are not supported yet)");
  int64_t n = v->type().num_elements();
  std::vector<int64_t> out;
  if (v->type().dtype == ir::DType::i64)
    out.assign(v->data_as<int64_t>(), v->data_as<int64_t>() + n);
  else if (v->type().dtype == ir::DType::i32)
    out.assign(v->data_as<int32_t>(), v->data_as<int32_t>() + n);
  else
    return error(ErrorKind::Parse, "input " + std::to_string(i) + " must be an int32 or int64 tensor");
  return out;
}

Expected<double> NodeContext::constant_scalar(size_t i) const {
  ir::Value* v = i < inputs.size() ? inputs[i] : nullptr;
  if (!v || !v->is_constant() || v->type().num_elements() != 1)
    return error(ErrorKind::Unsupported, "input " + std::to_string(i) + " must be a constant scalar");
  switch (v->type().dtype) {
    case ir::DType::f32: return static_cast<double>(*v->data_as<float>());
    case ir::DType::f64: return *v->data_as<double>();
    case ir::DType::i64: return static_cast<double>(*v->data_as<int64_t>());
    case ir::DType::i32: return static_cast<double>(*v->data_as<int32_t>());
    case ir::DType::i16: return static_cast<double>(*v->data_as<int16_t>());
    case ir::DType::i8: return static_cast<double>(*v->data_as<int8_t>());
    case ir::DType::u16: return static_cast<double>(*v->data_as<uint16_t>());
    case ir::DType::u32: return static_cast<double>(*v->data_as<uint32_t>());
    case ir::DType::u64: return static_cast<double>(*v->data_as<uint64_t>());
    case ir::DType::boolean:
    case ir::DType::u8: return static_cast<double>(*v->data_as<uint8_t>());
    default: return error(ErrorKind::Unsupported, "input " + std::to_string(i) + " has an unsupported element type");
  }
}

bool NodeContext::output_used(size_t i) const {
  if (i >= static_cast<size_t>(node.output_size()) || node.output(static_cast<int>(i)).empty()) return false;
  auto it = use_counts->find(node.output(static_cast<int>(i)));
  return it != use_counts->end() && it->second > 0;
}

Expected<std::vector<ir::Value*>> emit_default(NodeContext& ctx) {
  // Trailing absent optional operands are dropped; the IR stores only present ones.
  while (!ctx.inputs.empty() && !ctx.inputs.back()) ctx.inputs.pop_back();
  return ctx.emit_results(ctx.op, ctx.inputs, ctx.attrs);
}

// auto_pad (Conv, MaxPool, AveragePool): turns NOTSET/VALID/SAME_UPPER/SAME_LOWER into
// explicit pads, using the static input shape.
Expected<std::vector<ir::Value*>> handle_auto_pad(NodeContext& ctx) {
  std::string mode = ctx.attrs.get_string("auto_pad", "NOTSET");
  ctx.attrs.erase("auto_pad");
  if (ctx.op != ir::OpKind::Conv) ctx.attrs.erase("kernel_shape_unused");
  if (mode != "NOTSET" && mode != "") {
    ir::Value* x = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
    if (!x || x->type().rank() < 3) return ctx.error(ErrorKind::Parse, "auto_pad needs an input of rank 3 or more");
    size_t spatial = x->type().rank() - 2;
    std::vector<int64_t> kernel;
    if (ctx.op == ir::OpKind::Conv) {
      if (ctx.inputs.size() < 2 || !ctx.inputs[1] || ctx.inputs[1]->type().rank() != x->type().rank())
        return ctx.error(ErrorKind::Parse, "weights must have the input's rank");
      kernel.assign(ctx.inputs[1]->type().dims.begin() + 2, ctx.inputs[1]->type().dims.end());
    } else {
      kernel = ctx.attrs.get_ints("kernel_shape");
    }
    auto strides = ctx.attrs.get_ints("strides", std::vector<int64_t>(spatial, 1));
    auto dil = ctx.attrs.get_ints("dilations", std::vector<int64_t>(spatial, 1));
    if (kernel.size() != spatial || strides.size() != spatial || dil.size() != spatial)
      return ctx.error(ErrorKind::Parse, "kernel, strides and dilations must have one entry per spatial dimension");
    std::vector<int64_t> pads(2 * spatial, 0);
    if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
      for (size_t i = 0; i < spatial; ++i) {
        int64_t in = x->type().dims[2 + i];
        if (strides[i] <= 0) return ctx.error(ErrorKind::Parse, "strides must be positive");
        int64_t out = (in + strides[i] - 1) / strides[i];
        int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in);
        int64_t small = total / 2, big = total - small;
        pads[i] = mode == "SAME_UPPER" ? small : big;
        pads[i + spatial] = mode == "SAME_UPPER" ? big : small;
      }
    } else if (mode != "VALID") {
      return ctx.error(ErrorKind::Parse, "unknown auto_pad '" + mode + "'");
    }
    ctx.attrs.set("pads", pads);
  }
  return emit_default(ctx);
}

// BatchNormalization: inference, or from opset 14 with training_mode = 1 the IR op
// BatchNormalizationTraining (batch statistics, running mean/var as results 1 and 2).
// Otherwise (before opset 14, or training_mode = 0) the training outputs must be unused.
Expected<std::vector<ir::Value*>> handle_batch_norm(NodeContext& ctx) {
  bool training = ctx.attrs.get_int("training_mode", 0) != 0;
  double momentum = ctx.attrs.get_float("momentum", 0.9);
  ctx.attrs.erase("training_mode");
  ctx.attrs.erase("momentum");
  if (training && ctx.opset >= 14) {
    ctx.op = ir::OpKind::BatchNormalizationTraining;
    ctx.attrs.set("momentum", momentum);
    return emit_default(ctx);
  }
  for (size_t k = 1; k < 5; ++k)
    if (ctx.output_used(k)) return ctx.error(ErrorKind::Unsupported, "training outputs are only supported from opset 14 on, with training_mode = 1");
  ctx.attrs.erase("is_test");
  ctx.attrs.erase("consumed_inputs");
  return emit_default(ctx);
}

// Clip: min/max are attributes before opset 11 and optional (constant) inputs from 11 on.
Expected<std::vector<ir::Value*>> handle_clip(NodeContext& ctx) {
  if (ctx.opset >= 11) {
    for (size_t i = 1; i < 3 && i < ctx.inputs.size(); ++i) {
      if (!ctx.inputs[i]) continue;
      auto v = ctx.constant_scalar(i);
      if (!v) return v.status();
      ctx.attrs.set(i == 1 ? "min" : "max", *v);
    }
    ctx.inputs.resize(1);
  }
  return emit_default(ctx);
}

// Softmax: before opset 13 the input is coerced to 2-D at `axis` (default 1) and
// normalized over the flattened tail; from 13 on it normalizes one axis (default -1).
Expected<std::vector<ir::Value*>> handle_softmax(NodeContext& ctx) {
  if (ctx.opset >= 13) return emit_default(ctx);
  ir::Value* x = ctx.inputs.at(0);
  int64_t rank = static_cast<int64_t>(x->type().rank());
  int64_t axis = ctx.attrs.has("axis") ? ctx.attrs.get_int("axis") : 1;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) return ctx.error(ErrorKind::Parse, "axis out of range");
  if (axis == rank - 1 || rank == 0) {
    ctx.attrs.set("axis", int64_t{-1});
    return emit_default(ctx);
  }
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= x->type().dims[i];
  const std::string& out = ctx.node.output(0);
  ir::AttrMap r1;
  r1.set("shape", std::vector<int64_t>{outer, inner});
  auto flat = ctx.emit(ir::OpKind::Reshape, {x}, r1, ctx.f.unique_name(out + ".2d"));
  if (!flat) return flat.status();
  ir::AttrMap sm;
  sm.set("axis", int64_t{1});
  auto soft = ctx.emit(ir::OpKind::Softmax, {*flat}, sm, ctx.f.unique_name(out + ".softmax"));
  if (!soft) return soft.status();
  ir::AttrMap r2;
  r2.set("shape", x->type().dims);
  auto back = ctx.emit(ir::OpKind::Reshape, {*soft}, r2, out);
  if (!back) return back.status();
  return std::vector<ir::Value*>{*back};
}

// Reshape: the target shape is an attribute before opset 5 and a (constant) input after.
Expected<std::vector<ir::Value*>> handle_reshape(NodeContext& ctx) {
  if (ctx.opset >= 5) {
    auto shape = ctx.constant_ints(1);
    if (!shape) return shape.status();
    bool allowzero = ctx.attrs.get_int("allowzero", 0) != 0;
    ctx.attrs.erase("allowzero");
    if (allowzero && std::find(shape->begin(), shape->end(), 0) != shape->end()) {
      // A literal 0 extent: the result (like the input, which must be empty too) has no
      // elements, so it is a constant of that shape. The IR's Reshape reads 0 as "copy
      // the input extent" (ONNX's default), which cannot say this.
      ir::Value* x = ctx.inputs.at(0);
      if (x->type().num_elements() != 0 || std::find(shape->begin(), shape->end(), -1) != shape->end())
        return ctx.error(ErrorKind::Parse, "cannot reshape " + sem::to_string(x->type()) + " to a shape with a literal 0 extent");
      ir::TensorType t{x->type().dtype, *shape};
      return std::vector<ir::Value*>{ctx.f.add_constant(ctx.f.unique_name(ctx.node.output(0)), t,
                                                        std::make_shared<std::vector<uint8_t>>())};
    }
    ctx.attrs.set("shape", *shape);
    ctx.inputs.resize(1);
  }
  return emit_default(ctx);
}

// Flatten: a Reshape to [prod(dims[:axis]), prod(dims[axis:])].
Expected<std::vector<ir::Value*>> handle_flatten(NodeContext& ctx) {
  ir::Value* x = ctx.inputs.at(0);
  int64_t rank = static_cast<int64_t>(x->type().rank());
  int64_t axis = ctx.attrs.get_int("axis", 1);
  ctx.attrs.erase("axis");
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) return ctx.error(ErrorKind::Parse, "axis " + std::to_string(axis) + " out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? outer : inner) *= x->type().dims[i];
  ctx.attrs.set("shape", std::vector<int64_t>{outer, inner});
  return emit_default(ctx);
}

namespace {

struct NamedHandler {
  std::string_view name;
  Handler fn;
};

// The handler names used in ops/frontends/onnx*.toml (generated).
constexpr NamedHandler kHandlers[] = {
#include "onnx_handlers.inc"
};

}  // namespace

Handler find_handler(std::string_view name) {
  for (const auto& h : kHandlers)
    if (h.name == name) return h.fn;
  return nullptr;
}

}  // namespace halo::onnx_import
