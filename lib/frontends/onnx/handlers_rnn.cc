// handlers_rnn.cc - ONNX LSTM, GRU and RNN (opsets 7, 14 and 22) onto the IR ops of
// ops/rnn.toml.
//
// The opsets differ only in what the IR defaults already cover (opset 14 adds `layout`,
// 22 adds element types), so the handler's work is the list attributes: the mapping
// table leaves `activations` (strings) and `activation_alpha` / `activation_beta`
// (floats) to it, and it joins each into the IR's comma-separated string attribute.
// It also names the results itself: node tests leave Y unnamed when only Y_h is used,
// and the instruction's first result still needs a name.
#include <charconv>

#include "onnx_context.h"

namespace halo::onnx_import {

namespace {

// Shortest text that reads back as the same float (the IR parses these lists as float).
std::string float_text(float v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

Status join_list_attrs(NodeContext& ctx) {
  for (const auto& a : ctx.node.attribute()) {
    std::string joined;
    if (a.name() == "activations") {
      if (a.type() != onnx::AttributeProto::STRINGS)
        return ctx.error(ErrorKind::Parse, "attribute 'activations' must be a list of strings");
      for (const auto& s : a.strings()) {
        if (s.find(',') != std::string::npos)
          return ctx.error(ErrorKind::Parse, "activation function '" + s + "' is not a valid name");
        if (!joined.empty()) joined += ',';
        joined += s;
      }
    } else if (a.name() == "activation_alpha" || a.name() == "activation_beta") {
      if (a.type() != onnx::AttributeProto::FLOATS)
        return ctx.error(ErrorKind::Parse, "attribute '" + a.name() + "' must be a list of floats");
      for (float v : a.floats()) {
        if (!joined.empty()) joined += ',';
        joined += float_text(v);
      }
    } else {
      continue;
    }
    ctx.attrs.set(a.name(), joined);
  }
  return {};
}

}  // namespace

Expected<std::vector<ir::Value*>> handle_recurrent(NodeContext& ctx) {
  HALO_TRY(join_list_attrs(ctx));
  // ONNX requires clip > 0 when given; in the IR 0 means "no clipping".
  if (ctx.attrs.has("clip") && !(ctx.attrs.get_float("clip") > 0))
    return ctx.error(ErrorKind::Parse, "clip must be positive");
  ctx.attrs.erase("output_sequence");  // opset 1 only; Y is always computed
  while (!ctx.inputs.empty() && !ctx.inputs.back()) ctx.inputs.pop_back();

  // Result k takes the node's output k where it is named; an unnamed Y gets a name
  // derived from the node's.
  const auto& node = ctx.node;
  auto output_name = [&](int k) { return k < node.output_size() ? node.output(k) : std::string(); };
  std::string first = output_name(0).empty() ? ctx.f.unique_name(ctx.name + ".Y") : output_name(0);
  auto inst = ir::create_op(ctx.f, ctx.op, ctx.inputs, ctx.attrs, first);
  if (!inst) return ctx.restated(inst.status());
  std::vector<ir::Value*> out;
  for (size_t k = 0; k < (*inst)->num_results(); ++k) {
    ir::Value* v = (*inst)->result(k);
    std::string name = output_name(static_cast<int>(k));
    if (k > 0 && !name.empty()) {
      v->set_name("");  // its provisional name must not count as taken
      v->set_name(ctx.f.unique_name(name));
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace halo::onnx_import
