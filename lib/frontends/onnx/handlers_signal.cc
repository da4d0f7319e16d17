// handlers_signal.cc - ONNX HannWindow, HammingWindow, BlackmanWindow, DFT, STFT and
// MelWeightMatrix (ops/frontends/onnx_signal.toml).
//
// The inputs that fix the result's shape become int attributes of the IR ops (they must
// be constants: exit 4 otherwise, naming the input). DFT changed in opset 20: `axis`
// went from an attribute (default 1) to input 2 (default -2); the IR follows opset 20.
// output_datatype (an ONNX TensorProto data type) becomes the IR's `dtype` name.
#include <string>
#include <vector>

#include "onnx_context.h"
#include "tensor_proto.h"

namespace halo::onnx_import {
namespace {

ir::Value* given(const NodeContext& ctx, size_t i) { return i < ctx.inputs.size() ? ctx.inputs[i] : nullptr; }

// The single value of a constant int32/int64 scalar input.
Expected<int64_t> constant_int_input(const NodeContext& ctx, size_t i, const char* what) {
  ir::Value* v = given(ctx, i);
  if (!v) return ctx.error(ErrorKind::Parse, "input " + std::to_string(i) + " (" + what + ") is missing");
  if (!v->is_constant())
    return ctx.error(ErrorKind::Unsupported, "input " + std::to_string(i) + " (" + what + ") must be a constant");
  auto values = ctx.constant_ints(i);
  if (!values) return values.status();
  if (values->size() != 1)
    return ctx.error(ErrorKind::Parse, "input " + std::to_string(i) + " (" + what + ") must hold one value");
  return (*values)[0];
}

// output_datatype (default float) as the IR's dtype attribute.
Status set_result_dtype(NodeContext& ctx) {
  int64_t code = ctx.attrs.get_int("output_datatype", 1);
  ctx.attrs.erase("output_datatype");
  auto t = dtype_from_onnx(static_cast<int32_t>(code));
  if (!t || (*t != ir::DType::f32 && *t != ir::DType::f64))
    return ctx.error(ErrorKind::Unsupported, "output_datatype " + std::to_string(code) + " is not supported (float or double)");
  ctx.attrs.set("dtype", std::string(sem::dtype_name(*t)));
  return {};
}

Expected<std::vector<ir::Value*>> emit_with(NodeContext& ctx, std::vector<ir::Value*> operands) {
  auto v = ctx.emit(ctx.op, std::move(operands), ctx.attrs, ctx.node.output(0));
  if (!v) return v.status();
  return std::vector<ir::Value*>{*v};
}

}  // namespace

// HannWindow / HammingWindow / BlackmanWindow (size; periodic, output_datatype).
Expected<std::vector<ir::Value*>> handle_signal_window(NodeContext& ctx) {
  auto size = constant_int_input(ctx, 0, "size");
  if (!size) return size.status();
  HALO_TRY(set_result_dtype(ctx));
  ctx.attrs.set("length", *size);
  return emit_with(ctx, {ctx.inputs[0]});
}

// DFT: opsets 17-19 (input, dft_length?; axis attribute, default 1) and 20+ (input,
// dft_length?, axis?; default -2).
Expected<std::vector<ir::Value*>> handle_signal_dft(NodeContext& ctx) {
  ir::Value* x = given(ctx, 0);
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 (input) is missing");
  int64_t axis = ctx.opset >= 20 ? -2 : ctx.attrs.get_int("axis", 1);
  if (ctx.opset >= 20 && given(ctx, 2)) {
    auto a = constant_int_input(ctx, 2, "axis");
    if (!a) return a.status();
    axis = *a;
  }
  ctx.attrs.set("axis", axis);
  if (given(ctx, 1)) {
    auto n = constant_int_input(ctx, 1, "dft_length");
    if (!n) return n.status();
    if (*n < 1) return ctx.error(ErrorKind::Parse, "dft_length must be >= 1, got " + std::to_string(*n));
    ctx.attrs.set("dft_length", *n);
  }
  return emit_with(ctx, {x});
}

// STFT (signal, frame_step, window?, frame_length?; onesided).
Expected<std::vector<ir::Value*>> handle_signal_stft(NodeContext& ctx) {
  ir::Value* x = given(ctx, 0);
  if (!x) return ctx.error(ErrorKind::Parse, "input 0 (signal) is missing");
  auto step = constant_int_input(ctx, 1, "frame_step");
  if (!step) return step.status();
  ctx.attrs.set("frame_step", *step);
  if (given(ctx, 3)) {
    auto length = constant_int_input(ctx, 3, "frame_length");
    if (!length) return length.status();
    if (*length < 1) return ctx.error(ErrorKind::Parse, "frame_length must be >= 1, got " + std::to_string(*length));
    ctx.attrs.set("frame_length", *length);
  }
  std::vector<ir::Value*> operands{x};
  if (ir::Value* w = given(ctx, 2)) operands.push_back(w);
  return emit_with(ctx, operands);
}

// MelWeightMatrix (num_mel_bins, dft_length, sample_rate, lower_edge_hertz,
// upper_edge_hertz; output_datatype): the IR takes the edges first, then sample_rate.
Expected<std::vector<ir::Value*>> handle_signal_mel(NodeContext& ctx) {
  auto bins = constant_int_input(ctx, 0, "num_mel_bins");
  if (!bins) return bins.status();
  auto length = constant_int_input(ctx, 1, "dft_length");
  if (!length) return length.status();
  for (size_t i = 2; i < 5; ++i)
    if (!given(ctx, i)) return ctx.error(ErrorKind::Parse, "input " + std::to_string(i) + " is missing");
  HALO_TRY(set_result_dtype(ctx));
  ctx.attrs.set("num_mel_bins", *bins);
  ctx.attrs.set("dft_length", *length);
  return emit_with(ctx, {ctx.inputs[3], ctx.inputs[4], ctx.inputs[2]});
}

}  // namespace halo::onnx_import
