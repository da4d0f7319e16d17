// handlers_unary_math.cc - ONNX importers of the unary math family that are more than a
// table line: Cast, whose target type is an ONNX data-type number (a type name before
// opset 6) while the IR names element types, and CastLike, which is a Cast to the element
// type of its second operand.
//
// Targets the IR has no element type for (string, complex) are refused as unsupported
// (exit 4), naming the type.
#include <algorithm>
#include <iterator>
#include <string_view>
#include <variant>

#include "onnx_context.h"
#include "tensor_proto.h"

namespace halo::onnx_import {

namespace {

// ONNX TensorProto data types by number, as of onnx 1.19. The protobuf headers HALO
// builds against may be older (no float8), so the names are listed here.
constexpr std::string_view kOnnxTypeNames[] = {
    "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
    "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
    "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4",
    "FLOAT4E2M1", "FLOAT8E8M0"};
constexpr int64_t kOnnxTypeCount = std::size(kOnnxTypeNames);

// The IR element type name for ONNX data type `t`, or why there is none: unsupported
// (exit 4) for a type the IR lacks or that is newer than the table, a parse error for
// UNDEFINED and negative numbers.
Expected<std::string> ir_dtype_name(const NodeContext& ctx, int64_t t) {
  if (t <= 0) return ctx.error(ErrorKind::Parse, "attribute 'to' is not an ONNX data type: " + std::to_string(t));
  auto dt = t < kOnnxTypeCount ? dtype_from_onnx(static_cast<int32_t>(t)) : std::nullopt;
  if (!dt) {
    std::string name = t < kOnnxTypeCount ? std::string(kOnnxTypeNames[t]) : "data type " + std::to_string(t);
    return ctx.error(ErrorKind::Unsupported, "cast to " + name + " is not supported");
  }
  return std::string(sem::dtype_name(*dt));
}

}  // namespace

// Cast: `to` -> dtype. Opset 1-5 name the type ("FLOAT"); later opsets give its number.
Expected<std::vector<ir::Value*>> handle_cast(NodeContext& ctx) {
  const sem::AttrValue* to = ctx.attrs.find("to");
  if (!to) return ctx.error(ErrorKind::Parse, "missing required attribute 'to'");
  int64_t number = 0;
  if (const auto* i = std::get_if<int64_t>(to)) {
    number = *i;
  } else if (const auto* s = std::get_if<std::string>(to)) {
    auto it = std::find(std::begin(kOnnxTypeNames), std::end(kOnnxTypeNames), *s);
    if (it == std::end(kOnnxTypeNames))
      return ctx.error(ErrorKind::Parse, "attribute 'to' is not an ONNX data type: '" + *s + "'");
    number = it - std::begin(kOnnxTypeNames);
  } else {
    return ctx.error(ErrorKind::Parse, "attribute 'to' must be an int");
  }
  auto name = ir_dtype_name(ctx, number);
  if (!name) return name.status();
  ctx.attrs.erase("to");
  ctx.attrs.set("dtype", name.take());
  return emit_default(ctx);
}

// CastLike(X, like): Cast of X to the element type of `like`, whose values are unused.
Expected<std::vector<ir::Value*>> handle_cast_like(NodeContext& ctx) {
  if (ctx.inputs.size() != 2 || !ctx.inputs[0] || !ctx.inputs[1])
    return ctx.error(ErrorKind::Parse, "expects 2 operands (input, target_type)");
  ctx.attrs.set("dtype", std::string(sem::dtype_name(ctx.inputs[1]->type().dtype)));
  ctx.inputs.resize(1);
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
