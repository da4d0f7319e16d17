// handlers_tensor.cc - ONNX tensor operators (ops/frontends/onnx_tensor.toml).
//
// HALO knows every shape statically, so several of these operators are constants by the
// time they are imported: Shape, Size, EyeLike and ConstantOfShape depend only on a
// shape, Range on three constants. Squeeze and Unsqueeze are a Reshape with the computed
// shape. For the others the handlers turn the inputs that determine the result's shape
// (shape, starts/ends/axes/steps, repeats, pads, k, depth, condition) into attributes,
// which requires them to be constants (exit 4 otherwise), and translate the older
// opsets' attribute forms onto the newest opset's IR op.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "onnx_context.h"
#include "tensor_proto.h"

namespace halo::onnx_import {
namespace {

// Constants made here (ConstantOfShape, Range, EyeLike) are refused beyond this size:
// the model file would not hold such data either, and a hostile shape must not make the
// compiler allocate without bound.
constexpr int64_t kMaxConstantBytes = int64_t{256} << 20;

using Dims = std::vector<int64_t>;

std::string dims_text(const Dims& d) {
  std::string s = "[";  // appended piecewise: GCC 12 mis-warns (-Wrestrict) on "[" + std::string
  s += sem::dims_to_string(d);
  s += ']';
  return s;
}

// Input `i` if it is given (not absent, not an empty name).
ir::Value* given(const NodeContext& ctx, size_t i) { return i < ctx.inputs.size() ? ctx.inputs[i] : nullptr; }

Status not_constant(const NodeContext& ctx, size_t i, const char* what) {
  return ctx.error(ErrorKind::Unsupported,
                   "input " + std::to_string(i) + " (" + what + ") must be a constant");
}

Expected<ir::Value*> required(const NodeContext& ctx, size_t i, const char* what) {
  ir::Value* v = given(ctx, i);
  if (!v) return ctx.error(ErrorKind::Parse, "input " + std::to_string(i) + " (" + what + ") is missing");
  return v;
}

// A constant int32/int64 input as int64 values; exit 4 naming the input when it is not
// a constant.
Expected<Dims> const_ints(const NodeContext& ctx, size_t i, const char* what) {
  auto v = required(ctx, i, what);
  if (!v) return v.status();
  if (!(*v)->is_constant()) return not_constant(ctx, i, what);
  return ctx.constant_ints(i);
}

// A constant scalar (or one-element) input as double.
Expected<double> const_scalar(const NodeContext& ctx, size_t i, const char* what) {
  auto v = required(ctx, i, what);
  if (!v) return v.status();
  if (!(*v)->is_constant()) return not_constant(ctx, i, what);
  return ctx.constant_scalar(i);
}

// A new constant for the node's first output.
ir::Value* add_constant(NodeContext& ctx, ir::TensorType type, std::vector<uint8_t> bytes) {
  return ctx.f.add_constant(ctx.f.unique_name(ctx.node.output(0)), std::move(type),
                            std::make_shared<std::vector<uint8_t>>(std::move(bytes)));
}

std::vector<ir::Value*> one(ir::Value* v) { return std::vector<ir::Value*>{v}; }

// The bytes of `value` as one element of type `t`. f16 and bf16 only for values they
// hold exactly and that are needed here (0 and 1, and bf16 by rounding).
bool scalar_bytes(ir::DType t, double value, std::vector<uint8_t>& out) {
  auto put = [&](auto v) {
    out.resize(sizeof(v));
    std::memcpy(out.data(), &v, sizeof(v));
    return true;
  };
  switch (t) {
    case ir::DType::f32: return put(static_cast<float>(value));
    case ir::DType::f64: return put(value);
    case ir::DType::i8: return put(static_cast<int8_t>(value));
    case ir::DType::i16: return put(static_cast<int16_t>(value));
    case ir::DType::i32: return put(static_cast<int32_t>(value));
    case ir::DType::i64: return put(static_cast<int64_t>(value));
    case ir::DType::u8: return put(static_cast<uint8_t>(value));
    case ir::DType::u16: return put(static_cast<uint16_t>(value));
    case ir::DType::u32: return put(static_cast<uint32_t>(value));
    case ir::DType::u64: return put(static_cast<uint64_t>(value));
    case ir::DType::boolean: return put(static_cast<uint8_t>(value != 0));
    case ir::DType::f16:
      if (value == 0) return put(uint16_t{0});
      if (value == 1) return put(uint16_t{0x3C00});
      return false;
    case ir::DType::bf16: {
      auto f = static_cast<float>(value);
      uint32_t bits = 0;
      std::memcpy(&bits, &f, 4);
      if (std::isnan(f)) return put(uint16_t{0x7FC0});
      bits += 0x7FFF + ((bits >> 16) & 1);  // round to nearest even
      return put(static_cast<uint16_t>(bits >> 16));
    }
    default: return false;
  }
}

// Whether `value` fits the integer range of `t` (always true for float types), so that
// the conversion in scalar_bytes is defined.
bool fits(ir::DType t, double value) {
  auto in = [&](double lo, double hi) { return value >= lo && value <= hi; };
  switch (t) {
    case ir::DType::i8: return in(-128, 127);
    case ir::DType::i16: return in(-32768, 32767);
    case ir::DType::i32: return in(-2147483648.0, 2147483647.0);
    case ir::DType::i64: return in(-9223372036854775808.0, 9223372036854774784.0);
    case ir::DType::u8: return in(0, 255);
    case ir::DType::u16: return in(0, 65535);
    case ir::DType::u32: return in(0, 4294967295.0);
    case ir::DType::u64: return in(0, 18446744073709549568.0);
    default: return true;
  }
}

// Reshape of x to `dims` (all explicit extents) under the node's output name. An empty
// result is a constant (Reshape's 0 would mean "copy the input extent").
Expected<std::vector<ir::Value*>> reshape_to(NodeContext& ctx, ir::Value* x, const Dims& dims) {
  ir::TensorType t{x->type().dtype, dims};
  if (t.num_elements() == 0) return one(add_constant(ctx, t, {}));
  ir::AttrMap a;
  a.set("shape", dims);
  auto v = ctx.emit(ir::OpKind::Reshape, {x}, a, ctx.node.output(0));
  if (!v) return v.status();
  return one(*v);
}

// Reads a constant condition/flag tensor (bool or any integer type) as 0/1 values.
Expected<Dims> const_flags(const NodeContext& ctx, size_t i, const char* what) {
  auto v = required(ctx, i, what);
  if (!v) return v.status();
  if (!(*v)->is_constant()) return not_constant(ctx, i, what);
  const ir::TensorType& t = (*v)->type();
  Dims out;
  int64_t n = t.num_elements();
  size_t size = sem::dtype_size(t.dtype);
  if (t.dtype == ir::DType::f32 || t.dtype == ir::DType::f64 || t.dtype == ir::DType::f16 ||
      t.dtype == ir::DType::bf16)
    return ctx.error(ErrorKind::Parse, std::string("input ") + std::to_string(i) + " (" + what + ") must be bool");
  const uint8_t* p = (*v)->data().data();
  for (int64_t k = 0; k < n; ++k) {
    bool nonzero = false;
    for (size_t b = 0; b < size; ++b) nonzero = nonzero || p[k * size + b] != 0;
    out.push_back(nonzero ? 1 : 0);
  }
  return out;
}

}  // namespace

// Shape: the input's extents as an int64 constant; start/end (opset 15) select a range
// of dimensions with Python slice semantics (negative counts from the end, clamped).
Expected<std::vector<ir::Value*>> handle_tensor_shape(NodeContext& ctx) {
  auto x = required(ctx, 0, "data");
  if (!x) return x.status();
  const Dims& d = (*x)->type().dims;
  auto rank = static_cast<int64_t>(d.size());
  auto clamp = [&](int64_t v) {
    if (v < 0) v += rank;
    return std::min(std::max<int64_t>(v, 0), rank);
  };
  int64_t start = clamp(ctx.attrs.get_int("start", 0));
  int64_t end = ctx.attrs.has("end") ? clamp(ctx.attrs.get_int("end")) : rank;
  Dims values(d.begin() + start, d.begin() + std::max(start, end));
  std::vector<uint8_t> bytes(values.size() * sizeof(int64_t));
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return one(add_constant(ctx, {ir::DType::i64, {static_cast<int64_t>(values.size())}}, std::move(bytes)));
}

// Size: the input's element count as an int64 scalar constant.
Expected<std::vector<ir::Value*>> handle_tensor_size(NodeContext& ctx) {
  auto x = required(ctx, 0, "data");
  if (!x) return x.status();
  int64_t n = (*x)->type().num_elements();
  std::vector<uint8_t> bytes(sizeof(int64_t));
  std::memcpy(bytes.data(), &n, sizeof(n));
  return one(add_constant(ctx, {ir::DType::i64, {}}, std::move(bytes)));
}

// Squeeze: axes are an attribute before opset 13 and an optional constant input after;
// without axes every dimension of extent 1 goes. Becomes Reshape.
Expected<std::vector<ir::Value*>> handle_tensor_squeeze(NodeContext& ctx) {
  auto x = required(ctx, 0, "data");
  if (!x) return x.status();
  const Dims& d = (*x)->type().dims;
  auto rank = static_cast<int64_t>(d.size());
  Dims axes;
  bool has_axes = false;
  if (ctx.opset < 13) {
    has_axes = ctx.attrs.has("axes");
    axes = ctx.attrs.get_ints("axes");
  } else if (given(ctx, 1)) {
    auto a = const_ints(ctx, 1, "axes");
    if (!a) return a.status();
    axes = *a;
    has_axes = true;
  }
  std::vector<bool> drop(d.size(), false);
  if (!has_axes) {
    for (size_t i = 0; i < d.size(); ++i) drop[i] = d[i] == 1;
  } else {
    for (int64_t a : axes) {
      int64_t axis = a < 0 ? a + rank : a;
      if (axis < 0 || axis >= rank)
        return ctx.error(ErrorKind::Parse, "axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
      if (d[axis] != 1)
        return ctx.error(ErrorKind::Parse, "cannot squeeze dimension " + std::to_string(axis) + " of extent " +
                                               std::to_string(d[axis]) + " in " + dims_text(d));
      drop[axis] = true;
    }
  }
  Dims y;
  for (size_t i = 0; i < d.size(); ++i)
    if (!drop[i]) y.push_back(d[i]);
  return reshape_to(ctx, *x, y);
}

// Unsqueeze: axes (of the result) are an attribute before opset 13 and a constant input
// after. Becomes Reshape.
Expected<std::vector<ir::Value*>> handle_tensor_unsqueeze(NodeContext& ctx) {
  auto x = required(ctx, 0, "data");
  if (!x) return x.status();
  Dims axes;
  if (ctx.opset < 13) {
    if (!ctx.attrs.has("axes")) return ctx.error(ErrorKind::Parse, "attribute 'axes' is missing");
    axes = ctx.attrs.get_ints("axes");
  } else {
    auto a = const_ints(ctx, 1, "axes");
    if (!a) return a.status();
    axes = *a;
  }
  const Dims& d = (*x)->type().dims;
  auto rank = static_cast<int64_t>(d.size() + axes.size());
  std::vector<bool> inserted(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    int64_t axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank)
      return ctx.error(ErrorKind::Parse, "axis " + std::to_string(a) + " is out of range for result rank " + std::to_string(rank));
    if (inserted[axis]) return ctx.error(ErrorKind::Parse, "axis " + std::to_string(a) + " is given more than once");
    inserted[axis] = true;
  }
  Dims y;
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i) y.push_back(inserted[i] ? 1 : d[next++]);
  return reshape_to(ctx, *x, y);
}

// Expand: the shape input becomes the attribute.
Expected<std::vector<ir::Value*>> handle_tensor_expand(NodeContext& ctx) {
  auto shape = const_ints(ctx, 1, "shape");
  if (!shape) return shape.status();
  ctx.attrs = {};
  ctx.attrs.set("shape", *shape);
  ctx.inputs.resize(1);
  return emit_default(ctx);
}

// Slice: starts/ends/axes are attributes before opset 10; from 10 on starts, ends and
// the optional axes and steps are constant inputs.
Expected<std::vector<ir::Value*>> handle_tensor_slice(NodeContext& ctx) {
  if (ctx.opset >= 10) {
    static const char* const kNames[] = {"starts", "ends", "axes", "steps"};
    ir::AttrMap a;
    for (size_t i = 1; i <= 4; ++i) {
      if (i >= 3 && !given(ctx, i)) continue;
      auto v = const_ints(ctx, i, kNames[i - 1]);
      if (!v) return v.status();
      a.set(kNames[i - 1], *v);
    }
    ctx.attrs = a;
    ctx.inputs.resize(1);
  }
  return emit_default(ctx);
}

// Tile: the repeats input becomes the attribute.
Expected<std::vector<ir::Value*>> handle_tensor_tile(NodeContext& ctx) {
  auto repeats = const_ints(ctx, 1, "repeats");
  if (!repeats) return repeats.status();
  ctx.attrs = {};
  ctx.attrs.set("repeats", *repeats);
  ctx.inputs.resize(1);
  return emit_default(ctx);
}

// Pad: before opset 11 pads, mode and value are attributes; from 11 on pads and the
// optional constant_value are inputs (constant_value stays an operand), and from 18 an
// optional axes input says which dimensions the pads are for.
Expected<std::vector<ir::Value*>> handle_tensor_pad(NodeContext& ctx) {
  auto x = required(ctx, 0, "data");
  if (!x) return x.status();
  auto rank = static_cast<int64_t>((*x)->type().rank());
  std::string mode = ctx.attrs.get_string("mode", "constant");
  ir::Value* value = nullptr;
  Dims pads;
  if (ctx.opset < 11) {
    pads = ctx.attrs.get_ints("pads");
    double v = ctx.attrs.get_float("value", 0.0);
    if (v != 0 && mode == "constant") {
      ir::DType t = (*x)->type().dtype;
      std::vector<uint8_t> bytes;
      if (!fits(t, v) || !scalar_bytes(t, v, bytes))
        return ctx.error(ErrorKind::Unsupported, "value " + std::to_string(v) + " cannot be represented in " +
                                                     std::string(sem::dtype_name(t)));
      value = ctx.f.add_constant(ctx.f.unique_name(ctx.node.output(0) + ".value"), {t, {}},
                                 std::make_shared<std::vector<uint8_t>>(std::move(bytes)));
    }
  } else {
    auto p = const_ints(ctx, 1, "pads");
    if (!p) return p.status();
    pads = *p;
    value = given(ctx, 2);
    if (given(ctx, 3)) {
      auto axes = const_ints(ctx, 3, "axes");
      if (!axes) return axes.status();
      if (pads.size() != 2 * axes->size())
        return ctx.error(ErrorKind::Parse, "pads has " + std::to_string(pads.size()) + " entries for " +
                                               std::to_string(axes->size()) + " axes");
      Dims full(2 * static_cast<size_t>(rank), 0);
      std::vector<bool> seen(static_cast<size_t>(rank), false);
      for (size_t i = 0; i < axes->size(); ++i) {
        int64_t axis = (*axes)[i] < 0 ? (*axes)[i] + rank : (*axes)[i];
        if (axis < 0 || axis >= rank || seen[axis])
          return ctx.error(ErrorKind::Parse, "axes entry " + std::to_string((*axes)[i]) + " is out of range or repeated");
        seen[axis] = true;
        full[axis] = pads[i];
        full[axis + rank] = pads[i + axes->size()];
      }
      pads = full;
    }
  }
  ctx.attrs = {};
  ctx.attrs.set("pads", pads);
  ctx.attrs.set("mode", mode);
  ctx.inputs = {*x};
  if (value) ctx.inputs.push_back(value);
  return emit_default(ctx);
}

// CenterCropPad (opset 18): crops or zero-pads each of axes to the target extent,
// centred (the odd element goes to the end); that is one Pad whose negative pads crop.
Expected<std::vector<ir::Value*>> handle_tensor_center_crop_pad(NodeContext& ctx) {
  auto x = required(ctx, 0, "input_data");
  if (!x) return x.status();
  auto shape = const_ints(ctx, 1, "shape");
  if (!shape) return shape.status();
  const Dims& d = (*x)->type().dims;
  auto rank = static_cast<int64_t>(d.size());
  Dims axes = ctx.attrs.get_ints("axes");
  if (!ctx.attrs.has("axes"))
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  if (axes.size() != shape->size())
    return ctx.error(ErrorKind::Parse, "shape has " + std::to_string(shape->size()) + " entries for " +
                                           std::to_string(axes.size()) + " axes");
  Dims pads(2 * d.size(), 0);
  std::vector<bool> seen(d.size(), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis < 0 || axis >= rank || seen[axis])
      return ctx.error(ErrorKind::Parse, "axes entry " + std::to_string(axes[i]) + " is out of range or repeated");
    seen[axis] = true;
    int64_t target = (*shape)[i];
    if (target < 0) return ctx.error(ErrorKind::Parse, "shape " + dims_text(*shape) + " has a negative extent");
    // Grow (or, negated, shrink) by the difference: half at the start, the rest at the end.
    int64_t diff = target - d[axis];
    int64_t half = (diff >= 0 ? diff : -diff) / 2;
    pads[axis] = diff >= 0 ? half : -half;
    pads[axis + rank] = diff - pads[axis];
  }
  ctx.attrs = {};
  ctx.attrs.set("pads", pads);
  ctx.attrs.set("mode", std::string("constant"));
  ctx.inputs = {*x};
  return emit_default(ctx);
}

// ConstantOfShape: a constant of the given shape filled with the `value` attribute's
// one element (default float 0).
Expected<std::vector<ir::Value*>> handle_tensor_constant_of_shape(NodeContext& ctx) {
  auto shape = const_ints(ctx, 0, "input");
  if (!shape) return shape.status();
  for (int64_t d : *shape)
    if (d < 0) return ctx.error(ErrorKind::Parse, "shape " + dims_text(*shape) + " has a negative extent");
  ir::DType dtype = ir::DType::f32;
  std::vector<uint8_t> element(4, 0);
  for (const auto& a : ctx.node.attribute()) {
    if (a.name() != "value") continue;
    if (!a.has_t()) return ctx.error(ErrorKind::Parse, "attribute 'value' must be a tensor");
    auto t = read_tensor(a.t(), ctx.where + ": attribute 'value'");
    if (!t) return t.status();
    if (t->type.num_elements() != 1)
      return ctx.error(ErrorKind::Parse, "attribute 'value' must hold one element, not " + sem::to_string(t->type));
    dtype = t->type.dtype;
    element = *t->data;
  }
  ir::TensorType type{dtype, *shape};
  int64_t bytes = type.num_bytes();
  if (bytes < 0 || bytes > kMaxConstantBytes)
    return ctx.error(ErrorKind::Unsupported, "the result " + sem::to_string(type) + " is too large for a constant");
  std::vector<uint8_t> data(static_cast<size_t>(bytes));
  for (size_t off = 0; off < data.size(); off += element.size())
    std::memcpy(data.data() + off, element.data(), element.size());
  return one(add_constant(ctx, type, std::move(data)));
}

namespace {

// Range's values for element type T: start + i * delta for i < ceil((limit - start) / delta).
template <typename T>
Expected<std::vector<uint8_t>> range_values(const NodeContext& ctx, const ir::Value* start,
                                            const ir::Value* limit, const ir::Value* delta) {
  T s = *start->data_as<T>(), l = *limit->data_as<T>(), d = *delta->data_as<T>();
  if (d == T(0)) return ctx.error(ErrorKind::Parse, "delta must not be 0");
  int64_t count = 0;
  if constexpr (std::is_integral_v<T>) {
    // Exact in 128 bits: the difference of two int64 values does not fit in int64.
    __int128 diff = static_cast<__int128>(l) - s, step = d;
    __int128 n = diff / step + ((diff % step != 0 && ((diff > 0) == (step > 0))) ? 1 : 0);
    if (n < 0) n = 0;
    if (n > kMaxConstantBytes) return ctx.error(ErrorKind::Unsupported, "the range is too long for a constant");
    count = static_cast<int64_t>(n);
  } else {
    double n = std::ceil((static_cast<double>(l) - static_cast<double>(s)) / static_cast<double>(d));
    if (std::isnan(n)) return ctx.error(ErrorKind::Parse, "start, limit and delta must be finite");
    if (n > static_cast<double>(kMaxConstantBytes))
      return ctx.error(ErrorKind::Unsupported, "the range is too long for a constant");
    count = n > 0 ? static_cast<int64_t>(n) : 0;
  }
  if (count * static_cast<int64_t>(sizeof(T)) > kMaxConstantBytes)
    return ctx.error(ErrorKind::Unsupported, "the range is too long for a constant");
  std::vector<uint8_t> out(static_cast<size_t>(count) * sizeof(T));
  for (int64_t i = 0; i < count; ++i) {
    T v;
    if constexpr (std::is_integral_v<T>)
      v = static_cast<T>(static_cast<__int128>(s) + static_cast<__int128>(i) * d);  // stays in [s, l)
    else
      v = static_cast<T>(s + static_cast<T>(i) * d);  // in T, as the ONNX function body computes
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
  return out;
}

}  // namespace

// Range: all three inputs must be constants; the result is a constant.
Expected<std::vector<ir::Value*>> handle_tensor_range(NodeContext& ctx) {
  static const char* const kNames[] = {"start", "limit", "delta"};
  ir::Value* v[3];
  for (size_t i = 0; i < 3; ++i) {
    auto x = required(ctx, i, kNames[i]);
    if (!x) return x.status();
    if (!(*x)->is_constant()) return not_constant(ctx, i, kNames[i]);
    if ((*x)->type().num_elements() != 1)
      return ctx.error(ErrorKind::Parse, std::string("input ") + kNames[i] + " must be a scalar");
    v[i] = *x;
  }
  ir::DType t = v[0]->type().dtype;
  if (v[1]->type().dtype != t || v[2]->type().dtype != t)
    return ctx.error(ErrorKind::Parse, "start, limit and delta must have one element type");
  Expected<std::vector<uint8_t>> bytes = std::vector<uint8_t>{};
  switch (t) {
    case ir::DType::f32: bytes = range_values<float>(ctx, v[0], v[1], v[2]); break;
    case ir::DType::f64: bytes = range_values<double>(ctx, v[0], v[1], v[2]); break;
    case ir::DType::i16: bytes = range_values<int16_t>(ctx, v[0], v[1], v[2]); break;
    case ir::DType::i32: bytes = range_values<int32_t>(ctx, v[0], v[1], v[2]); break;
    case ir::DType::i64: bytes = range_values<int64_t>(ctx, v[0], v[1], v[2]); break;
    default:
      return ctx.error(ErrorKind::Unsupported, "element type " + std::string(sem::dtype_name(t)) + " is not supported");
  }
  if (!bytes) return bytes.status();
  auto count = static_cast<int64_t>(bytes->size() / sem::dtype_size(t));
  return one(add_constant(ctx, {t, {count}}, bytes.take()));
}

// EyeLike: a constant of the input's 2-D shape with ones on diagonal k; element type
// from the dtype attribute, else the input's.
Expected<std::vector<ir::Value*>> handle_tensor_eye_like(NodeContext& ctx) {
  auto x = required(ctx, 0, "input");
  if (!x) return x.status();
  const Dims& d = (*x)->type().dims;
  if (d.size() != 2) return ctx.error(ErrorKind::Parse, "the input must have rank 2, got " + dims_text(d));
  ir::DType dtype = (*x)->type().dtype;
  if (ctx.attrs.has("dtype")) {
    auto t = dtype_from_onnx(static_cast<int32_t>(ctx.attrs.get_int("dtype")));
    if (!t) return ctx.error(ErrorKind::Unsupported, "dtype " + std::to_string(ctx.attrs.get_int("dtype")) + " is not supported");
    dtype = *t;
  }
  int64_t k = ctx.attrs.get_int("k", 0);
  ir::TensorType type{dtype, d};
  int64_t bytes = type.num_bytes();
  if (bytes < 0 || bytes > kMaxConstantBytes)
    return ctx.error(ErrorKind::Unsupported, "the result " + sem::to_string(type) + " is too large for a constant");
  std::vector<uint8_t> one_bytes;
  if (!scalar_bytes(dtype, 1.0, one_bytes))
    return ctx.error(ErrorKind::Unsupported, "element type " + std::string(sem::dtype_name(dtype)) + " is not supported");
  std::vector<uint8_t> data(static_cast<size_t>(bytes), 0);
  size_t size = one_bytes.size();
  for (int64_t i = 0; i < d[0]; ++i) {
    // Column i + k, computed without overflow for any k.
    if (k >= d[1] || k <= -d[0]) break;
    int64_t j = i + k;
    if (j < 0 || j >= d[1]) continue;
    std::memcpy(data.data() + static_cast<size_t>(i * d[1] + j) * size, one_bytes.data(), size);
  }
  return one(add_constant(ctx, type, std::move(data)));
}

// Trilu: the optional k input becomes the attribute.
Expected<std::vector<ir::Value*>> handle_tensor_trilu(NodeContext& ctx) {
  if (given(ctx, 1)) {
    auto k = const_ints(ctx, 1, "k");
    if (!k) return k.status();
    if (k->size() != 1) return ctx.error(ErrorKind::Parse, "k must be a scalar");
    ctx.attrs.set("k", (*k)[0]);
  }
  ctx.inputs.resize(1);
  return emit_default(ctx);
}

// OneHot: depth (a constant scalar of any number type) becomes the attribute; the IR
// operands are indices and values.
Expected<std::vector<ir::Value*>> handle_tensor_one_hot(NodeContext& ctx) {
  auto depth = const_scalar(ctx, 1, "depth");
  if (!depth) return depth.status();
  double d = std::trunc(*depth);
  if (!(d >= 1 && d <= 9.0e18)) return ctx.error(ErrorKind::Parse, "depth must be a positive number, got " + std::to_string(*depth));
  auto indices = required(ctx, 0, "indices");
  if (!indices) return indices.status();
  auto values = required(ctx, 2, "values");
  if (!values) return values.status();
  ctx.attrs.set("depth", static_cast<int64_t>(d));
  ctx.inputs = {*indices, *values};
  return emit_default(ctx);
}

// Compress: the condition must be a constant and becomes the attribute; without axis
// the input is flattened first.
Expected<std::vector<ir::Value*>> handle_tensor_compress(NodeContext& ctx) {
  auto x = required(ctx, 0, "input");
  if (!x) return x.status();
  auto cond = const_flags(ctx, 1, "condition");
  if (!cond) return cond.status();
  if (given(ctx, 1)->type().rank() != 1) return ctx.error(ErrorKind::Parse, "condition must have rank 1");
  ir::Value* data = *x;
  if (!ctx.attrs.has("axis")) {
    int64_t n = data->type().num_elements();
    if (n < 0) return ctx.error(ErrorKind::Parse, "the input is too large");
    if (data->type().rank() != 1) {
      if (n == 0) {
        data = ctx.f.add_constant(ctx.f.unique_name(ctx.node.output(0) + ".flat"), {data->type().dtype, {0}},
                                  std::make_shared<std::vector<uint8_t>>());
      } else {
        ir::AttrMap a;
        a.set("shape", Dims{n});
        auto flat = ctx.emit(ir::OpKind::Reshape, {data}, a, ctx.f.unique_name(ctx.node.output(0) + ".flat"));
        if (!flat) return flat.status();
        data = *flat;
      }
    }
    ctx.attrs.set("axis", int64_t{0});
  }
  ctx.attrs.set("condition", *cond);
  ctx.inputs = {data};
  return emit_default(ctx);
}

}  // namespace halo::onnx_import
