// quant.cc - linear quantization: QuantizeLinear, DequantizeLinear, MatMulInteger,
// QLinearMatMul, ConvInteger and QLinearConv (ONNX semantics, newest opset).
//
// The operands mix element types (float data and scales, integer data and zero points),
// so each shape rule validates the types itself. Scales and zero points are small
// parameter tensors: they are read element by element as double / int64 through a
// switch on their DType (read_real, read_int) rather than through templates.
//
// Choices, all written down here:
//   - rounding is half to even (std::nearbyint in the default rounding mode) followed by
//     saturation to the result type's range, as the spec requires;
//   - QuantizeLinear divides x by the scale in x's own precision (the scale converted to
//     it) and rounds that quotient, as the ONNX reference and onnxruntime do; NaN
//     saturates to the type's minimum (the reference's int conversion of NaN, clipped);
//   - the quantized products accumulate exactly in int64, then scale by the multiplier
//     a_scale * b_scale / y_scale (x_scale * w_scale / y_scale) computed in the scales'
//     own type (float16 rounded after each step), round, then add the zero point;
//   - zero points: a per-tensor one is a scalar or a 1-element tensor; MatMulInteger and
//     QLinearMatMul also accept a 1-D one per row of A / per column of B, the convolutions
//     one per output channel for the weights;
//   - int4/uint4 results saturate to [-8, 7] / [0, 15] like the 8- and 16-bit ones;
//   - float8 results are x / y_scale (plus a nonzero zero point) converted by
//     float_formats.h: round to nearest even, out-of-range values saturate to the largest
//     finite value unless saturate = 0 (then inf or NaN per type). float4 e2m1 results
//     are x / y_scale + y_zero_point, converted the same way (float4 always saturates).
//     DequantizeLinear decodes float8/float4 elements exactly.
#include <cmath>
#include <cstring>
#include <limits>

#include "float_formats.h"
#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

bool compatible(int64_t a, int64_t b) { return a == b || a == kUnknownDim || b == kUnknownDim; }

bool is_quant_int(DType t) { return t == DType::i8 || t == DType::u8 || t == DType::i16 || t == DType::u16; }
// The float8 types QuantizeLinear/DequantizeLinear use, and float4 e2m1 (not e8m0: a scale
// type, not a quantized one).
bool is_quant_float(DType t) {
  return t == DType::f8e4m3fn || t == DType::f8e4m3fnuz || t == DType::f8e5m2 || t == DType::f8e5m2fnuz ||
         t == DType::f4e2m1;
}
// Every element type QuantizeLinear produces and DequantizeLinear reads (besides i32).
bool is_quant_type(DType t) { return is_quant_int(t) || t == DType::i4 || t == DType::u4 || is_quant_float(t); }
bool is_int8(DType t) { return t == DType::i8 || t == DType::u8; }
bool is_scale_type(DType t) { return t == DType::f32 || t == DType::f64 || t == DType::f16; }

// ONNX TensorProto element type codes of the types output_dtype may name.
int64_t onnx_code(DType t) {
  switch (t) {
    case DType::f32: return 1;
    case DType::u8: return 2;
    case DType::i8: return 3;
    case DType::u16: return 4;
    case DType::i16: return 5;
    case DType::i32: return 6;
    case DType::f16: return 10;
    case DType::f64: return 11;
    case DType::f8e4m3fn: return 17;
    case DType::f8e4m3fnuz: return 18;
    case DType::f8e5m2: return 19;
    case DType::f8e5m2fnuz: return 20;
    case DType::u4: return 21;
    case DType::i4: return 22;
    case DType::f4e2m1: return 23;
    default: return -1;
  }
}

DType from_onnx_code(int64_t code) {
  switch (code) {
    case 2: return DType::u8;
    case 3: return DType::i8;
    case 4: return DType::u16;
    case 5: return DType::i16;
    case 17: return DType::f8e4m3fn;
    case 18: return DType::f8e4m3fnuz;
    case 19: return DType::f8e5m2;
    case 20: return DType::f8e5m2fnuz;
    case 21: return DType::u4;
    case 22: return DType::i4;
    case 23: return DType::f4e2m1;
    default: return DType::undefined;
  }
}

void int_range(DType t, int64_t& lo, int64_t& hi) {
  switch (t) {
    case DType::i8: lo = -128, hi = 127; return;
    case DType::u8: lo = 0, hi = 255; return;
    case DType::i16: lo = -32768, hi = 32767; return;
    case DType::u16: lo = 0, hi = 65535; return;
    case DType::i4: lo = -8, hi = 7; return;
    case DType::u4: lo = 0, hi = 15; return;
    default: lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max(); return;
  }
}

// `v` rounded (half to even) to the nearest binary16 value, returned as double.
double round_to_half(double v) { return half_to_double(half_from_double(v)); }

// Element `i` of a numeric tensor as double / int64.
double read_real(const TensorView& v, int64_t i) {
  switch (v.type.dtype) {
    case DType::f32: return v.as<const float>()[i];
    case DType::f64: return v.as<const double>()[i];
    case DType::f16: return half_to_double(v.as<const uint16_t>()[i]);
    case DType::i8: return v.as<const int8_t>()[i];
    case DType::u8: return v.as<const uint8_t>()[i];
    case DType::i16: return v.as<const int16_t>()[i];
    case DType::u16: return v.as<const uint16_t>()[i];
    case DType::i32: return v.as<const int32_t>()[i];
    case DType::i4: return v.as<const int8_t>()[i];  // one byte per element, sign-extended
    case DType::u4: return v.as<const uint8_t>()[i] & 0x0F;
    default:
      if (is_narrow_float(v.type.dtype)) return narrow_float_to_double(v.type.dtype, v.as<const uint8_t>()[i]);
      return 0;
  }
}

int64_t read_int(const TensorView& v, int64_t i) {
  switch (v.type.dtype) {
    case DType::i8: return v.as<const int8_t>()[i];
    case DType::u8: return v.as<const uint8_t>()[i];
    case DType::i16: return v.as<const int16_t>()[i];
    case DType::u16: return v.as<const uint16_t>()[i];
    case DType::i32: return v.as<const int32_t>()[i];
    case DType::i64: return v.as<const int64_t>()[i];
    case DType::i4: return v.as<const int8_t>()[i];
    case DType::u4: return v.as<const uint8_t>()[i] & 0x0F;
    default: return 0;
  }
}

void store_int(const TensorView& v, int64_t i, int64_t x) {
  switch (v.type.dtype) {
    case DType::i8: v.as<int8_t>()[i] = static_cast<int8_t>(x); return;
    case DType::u8: v.as<uint8_t>()[i] = static_cast<uint8_t>(x); return;
    case DType::i16: v.as<int16_t>()[i] = static_cast<int16_t>(x); return;
    case DType::u16: v.as<uint16_t>()[i] = static_cast<uint16_t>(x); return;
    case DType::i32: v.as<int32_t>()[i] = static_cast<int32_t>(x); return;
    case DType::i4: v.as<int8_t>()[i] = static_cast<int8_t>(x); return;  // already in [-8, 7]
    case DType::u4: v.as<uint8_t>()[i] = static_cast<uint8_t>(x); return;
    default: return;
  }
}

// round_half_even(v) saturated to the range of `t`; NaN gives the minimum.
int64_t saturate_round(double v, DType t) {
  int64_t lo = 0, hi = 0;
  int_range(t, lo, hi);
  if (std::isnan(v)) return lo;
  double r = std::nearbyint(v);
  if (r <= static_cast<double>(lo)) return lo;
  if (r >= static_cast<double>(hi)) return hi;
  return static_cast<int64_t>(r);
}

// round_half_even(v) + zero_point, saturated: the quantization formula of the spec (and
// onnxruntime's requantization) rounds the scaled value before adding the zero point.
// (The ONNX Python reference adds first; the two differ only on ties with an odd zero
// point.)
int64_t requantize(double v, double zero_point, DType t) {
  double r = std::isnan(v) ? v : std::nearbyint(v);
  return saturate_round(r + zero_point, t);
}

// A per-tensor parameter: rank 0 or a single element of rank 1.
bool is_scalar_like(const TensorType& t) { return t.rank() == 0 || (t.rank() == 1 && t.dims[0] == 1); }

// ---- QuantizeLinear / DequantizeLinear parameters -----------------------------------------

// Validates scale (and zero point) against x: per tensor, per axis or per block.
std::string check_linear_params(const OpSchema& s, const TensorType& x, const TensorType& scale,
                                const TensorType* zp, const AttrMap& attrs) {
  int64_t block = attrs.get_int("block_size", 0);
  if (block < 0) return fail(s.name, "block_size must be >= 0, got ", block);
  // Per tensor, a [1] zero point may go with a scalar scale and vice versa (node tests do).
  if (zp && zp->dims != scale.dims && !(is_scalar_like(*zp) && is_scalar_like(scale)))
    return fail(s.name, "the zero point ", show(zp->dims), " must have the scale's shape ", show(scale.dims));
  if (block == 0 && is_scalar_like(scale)) return {};
  int64_t rank = static_cast<int64_t>(x.rank());
  int64_t axis = normalize_axis(attrs.get_int("axis", 1), rank);
  if (axis < 0) return fail(s.name, "axis ", attrs.get_int("axis", 1), " is out of range for rank ", rank);
  if (block == 0) {
    if (scale.rank() != 1 || !compatible(scale.dims[0], x.dims[axis]))
      return fail(s.name, "the scale ", show(scale.dims), " must be a scalar or have shape [", x.dims[axis],
                  "] (axis ", axis, " of ", show(x.dims), ")");
    return {};
  }
  if (scale.rank() != x.rank())
    return fail(s.name, "a blocked scale must have the rank of x ", show(x.dims), ", got ", show(scale.dims));
  for (int64_t d = 0; d < rank; ++d) {
    int64_t want = x.dims[d];
    if (d == axis && want != kUnknownDim) want = (want + block - 1) / block;
    if (!compatible(scale.dims[d], want))
      return fail(s.name, "the scale ", show(scale.dims), " does not fit x ", show(x.dims), " with block_size ",
                  block, " on axis ", axis);
  }
  return {};
}

// Maps a linear index of x to the index of its scale / zero point element.
class ParamIndex {
 public:
  ParamIndex(const Dims& x, const Dims& scale, const AttrMap& attrs) : x_(x), scale_(scale) {
    block_ = attrs.get_int("block_size", 0);
    int64_t rank = static_cast<int64_t>(x.size());
    axis_ = rank > 0 ? normalize_axis(attrs.get_int("axis", 1), rank) : 0;
    // A 1-element scale is per tensor (per axis over an extent of 1 means the same).
    per_tensor_ = block_ == 0 && (scale.empty() || (scale.size() == 1 && scale[0] == 1));
    inner_ = rank > 0 ? product(x, axis_ + 1, x.size()) : 1;
    scale_strides_ = row_major_strides(scale);
  }
  int64_t operator()(int64_t i) const {
    if (per_tensor_) return 0;
    if (block_ == 0) return (i / inner_) % x_[axis_];
    int64_t result = 0;
    for (size_t d = x_.size(); d-- > 0;) {
      int64_t c = i % x_[d];
      i /= x_[d];
      if (static_cast<int64_t>(d) == axis_) c /= block_;
      result += c * scale_strides_[d];
    }
    return result;
  }

 private:
  Dims x_, scale_, scale_strides_;
  int64_t block_ = 0, axis_ = 0, inner_ = 1;
  bool per_tensor_ = false;
};

// ---- integer matrix products ----------------------------------------------------------

// A zero point / scale of A per tensor or per row ([M]), of B per tensor or per column ([N]).
std::string check_row_param(const OpSchema& s, const char* what, const TensorType& p, int64_t extent,
                            const char* per) {
  if (is_scalar_like(p)) return {};
  if (p.rank() == 1 && compatible(p.dims[0], extent)) return {};
  return fail(s.name, what, " must be a scalar or have shape [", extent, "] (one per ", per, "), got ",
              show(p.dims));
}

int64_t rows_of(const Dims& a) { return a.size() >= 2 ? a[a.size() - 2] : 1; }

// The matmul loop: acc[batch, m, n] = sum_k (a - azp[m]) * (b - bzp[n]); `emit` stores it.
template <typename Emit>
void integer_matmul(const TensorView& a, const TensorView* azp, const TensorView& b, const TensorView* bzp,
                    Emit emit) {
  Dims ad = a.type.dims, bd = b.type.dims;
  if (ad.size() == 1) ad.insert(ad.begin(), 1);
  if (bd.size() == 1) bd.push_back(1);
  int64_t m = ad[ad.size() - 2], k = ad.back(), n = bd.back();
  Dims a_batch(ad.begin(), ad.end() - 2), b_batch(bd.begin(), bd.end() - 2), batch;
  broadcast_dims(a_batch, b_batch, batch);  // validated by the shape rule
  int64_t batches = product(batch, 0, batch.size());
  BroadcastIndexer ia(a_batch, batch), ib(b_batch, batch);
  bool azp_rows = azp && !is_scalar_like(azp->type), bzp_cols = bzp && !is_scalar_like(bzp->type);
  int64_t out = 0;
  for (int64_t p = 0; p < batches; ++p) {
    int64_t abase = ia(p) * m * k, bbase = ib(p) * k * n;
    for (int64_t r = 0; r < m; ++r) {
      int64_t za = azp ? read_int(*azp, azp_rows ? r : 0) : 0;
      for (int64_t c = 0; c < n; ++c) {
        int64_t zb = bzp ? read_int(*bzp, bzp_cols ? c : 0) : 0;
        int64_t acc = 0;
        for (int64_t j = 0; j < k; ++j)
          acc += (read_int(a, abase + r * k + j) - za) * (read_int(b, bbase + j * n + c) - zb);
        emit(out++, r, c, acc);
      }
    }
  }
}

// The requantization multiplier s1 * s2 / s3 computed in the scales' own type.
double multiplier(DType t, double s1, double s2, double s3) {
  if (t == DType::f32) {
    float product = static_cast<float>(s1) * static_cast<float>(s2);
    return product / static_cast<float>(s3);
  }
  if (t == DType::f16) return round_to_half(round_to_half(s1 * s2) / s3);
  return s1 * s2 / s3;
}

// ---- convolutions -----------------------------------------------------------------------

// acc[n, m, out...] = sum over the group's channels and the kernel window of
// (x - xzp) * (w - wzp[m]), padding contributing nothing; `emit(index, m, acc)`.
template <typename Emit>
std::string integer_conv(const OpSchema& s, const AttrMap& attrs, const TensorView& x, const TensorView* xzp,
                         const TensorView& w, const TensorView* wzp, const TensorView& y, Emit emit) {
  const Dims &xd = x.type.dims, &wd = w.type.dims, &yd = y.type.dims;
  size_t spatial = xd.size() - 2;
  Window win;
  if (std::string err = read_window(s.name, attrs, spatial, Dims(wd.begin() + 2, wd.end()), false, win); !err.empty())
    return err;
  int64_t group = attrs.get_int("group", 1);
  int64_t batches = xd[0], channels_out = wd[0], c_per_group = wd[1], m_per_group = channels_out / group;
  Dims out_extent(yd.begin() + 2, yd.end()), kernel_extent(wd.begin() + 2, wd.end());
  Dims x_strides = row_major_strides(xd), w_strides = row_major_strides(wd);
  int64_t zx = xzp ? read_int(*xzp, 0) : 0;
  bool w_per_channel = wzp && !is_scalar_like(wzp->type);
  int64_t index = 0;
  for (int64_t nb = 0; nb < batches; ++nb) {
    for (int64_t m = 0; m < channels_out; ++m) {
      int64_t zw = wzp ? read_int(*wzp, w_per_channel ? m : 0) : 0;
      int64_t g = m / m_per_group;
      Dims o(spatial, 0);
      bool more_out = true;
      for (int64_t e : out_extent) more_out = more_out && e > 0;
      while (more_out) {
        int64_t acc = 0;
        for (int64_t c = 0; c < c_per_group; ++c) {
          int64_t xc = g * c_per_group + c;
          Dims kk(spatial, 0);
          bool more_k = true;
          for (int64_t e : kernel_extent) more_k = more_k && e > 0;
          while (more_k) {
            int64_t xoff = nb * x_strides[0] + xc * x_strides[1];
            int64_t woff = m * w_strides[0] + c * w_strides[1];
            bool inside = true;
            for (size_t d = 0; d < spatial; ++d) {
              int64_t pos = o[d] * win.strides[d] - win.pads_begin[d] + kk[d] * win.dilations[d];
              if (pos < 0 || pos >= xd[d + 2]) {
                inside = false;
                break;
              }
              xoff += pos * x_strides[d + 2];
              woff += kk[d] * w_strides[d + 2];
            }
            if (inside) acc += (read_int(x, xoff) - zx) * (read_int(w, woff) - zw);
            more_k = next_index(kk, kernel_extent);
          }
        }
        emit(index++, m, acc);
        more_out = next_index(o, out_extent);
      }
    }
  }
  return {};
}

// The conv shape of x and w (shared rule "conv"), with result type `t`.
std::string conv_shape(const OpSchema& s, const TensorType& x, const TensorType& w, const AttrMap& attrs, DType t,
                       Outs& out) {
  TensorType operands[2] = {x, w};
  if (std::string err = shape_conv(s, std::span<const TensorType>(operands, 2), attrs, out); !err.empty())
    return err;
  out[0].dtype = t;
  return {};
}

bool present(Types in, size_t i) { return i < in.size() && in[i].present(); }

}  // namespace

// ---- shape rules --------------------------------------------------------------------------

std::string shape_quant_quantize(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &x = in[0], &scale = in[1];
  if (x.dtype != DType::f32 && x.dtype != DType::f64)
    return fail(s.name, "x must be f32 or f64, got ", dtype_name(x.dtype));
  if (!is_scale_type(scale.dtype)) return fail(s.name, "y_scale must be a float type, got ", dtype_name(scale.dtype));
  const TensorType* zp = present(in, 2) ? &in[2] : nullptr;
  int64_t code = attrs.get_int("output_dtype", 0);
  DType t = DType::u8;
  if (code != 0) {
    t = from_onnx_code(code);
    if (t == DType::undefined) return fail(s.name, "output_dtype ", code, " is not supported");
  }
  if (zp) {
    if (!is_quant_type(zp->dtype))
      return fail(s.name, "y_zero_point must be i8, u8, i16, u16, i4, u4, a float8 type or f4e2m1, got ",
                  dtype_name(zp->dtype));
    if (code != 0 && zp->dtype != t)
      return fail(s.name, "output_dtype ", code, " differs from the zero point's type ", dtype_name(zp->dtype));
    t = zp->dtype;
  }
  if (std::string err = check_linear_params(s, x, scale, zp, attrs); !err.empty()) return err;
  out = {TensorType{t, x.dims}};
  return {};
}

std::string shape_quant_dequantize(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &x = in[0], &scale = in[1];
  if (!is_quant_type(x.dtype) && x.dtype != DType::i32)
    return fail(s.name, "x must be i8, u8, i16, u16, i32, i4, u4, a float8 type or f4e2m1, got ", dtype_name(x.dtype));
  if (!is_scale_type(scale.dtype))
    return fail(s.name, "x_scale must be f32, f64 or f16, got ", dtype_name(scale.dtype));
  int64_t code = attrs.get_int("output_dtype", 0);
  if (code != 0 && code != onnx_code(scale.dtype))
    return fail(s.name, "output_dtype ", code, " differs from the scale's type ", dtype_name(scale.dtype));
  const TensorType* zp = present(in, 2) ? &in[2] : nullptr;
  if (zp && zp->dtype != x.dtype)
    return fail(s.name, "x_zero_point has type ", dtype_name(zp->dtype), ", expected x's ", dtype_name(x.dtype));
  if (std::string err = check_linear_params(s, x, scale, zp, attrs); !err.empty()) return err;
  out = {TensorType{scale.dtype, x.dims}};
  return {};
}

std::string shape_quant_matmul_integer(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &a = in[0], &b = in[1];
  if (!is_int8(a.dtype) || !is_int8(b.dtype))
    return fail(s.name, "A and B must be i8 or u8, got ", dtype_name(a.dtype), " and ", dtype_name(b.dtype));
  TensorType operands[2] = {a, b};
  if (std::string err = shape_matmul(s, std::span<const TensorType>(operands, 2), attrs, out); !err.empty())
    return err;
  out[0].dtype = DType::i32;
  if (present(in, 2)) {
    if (in[2].dtype != a.dtype) return fail(s.name, "a_zero_point must have A's type ", dtype_name(a.dtype));
    if (std::string err = check_row_param(s, "a_zero_point", in[2], rows_of(a.dims), "row of A"); !err.empty())
      return err;
  }
  if (present(in, 3)) {
    if (in[3].dtype != b.dtype) return fail(s.name, "b_zero_point must have B's type ", dtype_name(b.dtype));
    if (std::string err = check_row_param(s, "b_zero_point", in[3], b.dims.back(), "column of B"); !err.empty())
      return err;
  }
  return {};
}

std::string shape_quant_qlinear_matmul(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &a = in[0], &b = in[3];
  if (!is_int8(a.dtype) || !is_int8(b.dtype))
    return fail(s.name, "a and b must be i8 or u8, got ", dtype_name(a.dtype), " and ", dtype_name(b.dtype));
  DType st = in[1].dtype;
  if (!is_scale_type(st) || in[4].dtype != st || in[6].dtype != st)
    return fail(s.name, "a_scale, b_scale and y_scale must have one float type, got ", dtype_name(in[1].dtype),
                ", ", dtype_name(in[4].dtype), " and ", dtype_name(in[6].dtype));
  TensorType operands[2] = {a, b};
  if (std::string err = shape_matmul(s, std::span<const TensorType>(operands, 2), attrs, out); !err.empty())
    return err;
  DType t = present(in, 7) ? in[7].dtype : a.dtype;
  if (!is_int8(t)) return fail(s.name, "y_zero_point must be i8 or u8, got ", dtype_name(t));
  out[0].dtype = t;
  if (present(in, 2) && in[2].dtype != a.dtype) return fail(s.name, "a_zero_point must have a's type");
  if (present(in, 5) && in[5].dtype != b.dtype) return fail(s.name, "b_zero_point must have b's type");
  const struct {
    size_t i;
    const char* what;
    int64_t extent;
    const char* per;
  } params[] = {{1, "a_scale", rows_of(a.dims), "row of a"},   {2, "a_zero_point", rows_of(a.dims), "row of a"},
                {4, "b_scale", b.dims.back(), "column of b"}, {5, "b_zero_point", b.dims.back(), "column of b"},
                {6, "y_scale", 1, "tensor"},                  {7, "y_zero_point", 1, "tensor"}};
  for (const auto& p : params)
    if (present(in, p.i))
      if (std::string err = check_row_param(s, p.what, in[p.i], p.extent, p.per); !err.empty()) return err;
  return {};
}

std::string shape_quant_conv_integer(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &x = in[0], &w = in[1];
  if (!is_int8(x.dtype) || !is_int8(w.dtype))
    return fail(s.name, "x and w must be i8 or u8, got ", dtype_name(x.dtype), " and ", dtype_name(w.dtype));
  if (std::string err = conv_shape(s, x, w, attrs, DType::i32, out); !err.empty()) return err;
  if (present(in, 2) && (in[2].dtype != x.dtype || !is_scalar_like(in[2])))
    return fail(s.name, "x_zero_point must be a scalar of x's type");
  if (present(in, 3)) {
    if (in[3].dtype != w.dtype) return fail(s.name, "w_zero_point must have w's type");
    if (std::string err = check_row_param(s, "w_zero_point", in[3], w.dims[0], "output channel"); !err.empty())
      return err;
  }
  return {};
}

std::string shape_quant_qlinear_conv(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &x = in[0], &w = in[3];
  if (!is_int8(x.dtype) || !is_int8(w.dtype))
    return fail(s.name, "x and w must be i8 or u8, got ", dtype_name(x.dtype), " and ", dtype_name(w.dtype));
  DType st = in[1].dtype;
  if (!is_scale_type(st) || in[4].dtype != st || in[6].dtype != st)
    return fail(s.name, "x_scale, w_scale and y_scale must have one float type, got ", dtype_name(in[1].dtype),
                ", ", dtype_name(in[4].dtype), " and ", dtype_name(in[6].dtype));
  DType t = present(in, 7) ? in[7].dtype : x.dtype;
  if (!is_int8(t)) return fail(s.name, "y_zero_point must be i8 or u8, got ", dtype_name(t));
  if (std::string err = conv_shape(s, x, w, attrs, t, out); !err.empty()) return err;
  if (present(in, 2) && in[2].dtype != x.dtype) return fail(s.name, "x_zero_point must have x's type");
  if (present(in, 5) && in[5].dtype != w.dtype) return fail(s.name, "w_zero_point must have w's type");
  const struct {
    size_t i;
    const char* what;
    int64_t extent;
  } params[] = {{1, "x_scale", 1}, {2, "x_zero_point", 1}, {4, "w_scale", w.dims[0]},
                {5, "w_zero_point", w.dims[0]}, {6, "y_scale", 1}, {7, "y_zero_point", 1}};
  for (const auto& p : params)
    if (present(in, p.i))
      if (std::string err = check_row_param(s, p.what, in[p.i], p.extent, "output channel"); !err.empty())
        return err;
  if (present(in, 8) && (in[8].dtype != DType::i32 || in[8].rank() != 1 || !compatible(in[8].dims[0], w.dims[0])))
    return fail(s.name, "B must be i32 with shape [", w.dims[0], "], got ", to_string(in[8]));
  return {};
}

// ---- kernels ---------------------------------------------------------------------------------

std::string run_quantize_linear(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    const TensorView &x = args.in[0], &scale = args.in[1];
    const TensorView* zp = args.has(2) ? &args.in[2] : nullptr;
    const TensorView& y = args.out[0];
    ParamIndex param(x.type.dims, scale.type.dims, args.attrs);
    const T* px = x.as<const T>();
    int64_t n = y.type.num_elements();
    const DType t = y.type.dtype;
    if (is_quant_float(t)) {
      bool saturate = args.attrs.get_int("saturate", 1) != 0;
      uint8_t* py = y.as<uint8_t>();
      for (int64_t i = 0; i < n; ++i) {
        int64_t p = param(i);
        double q = static_cast<double>(px[i] / static_cast<T>(read_real(scale, p)));
        double z = zp ? read_real(*zp, p) : 0.0;
        // float4 adds its zero point as ONNX's reference does; float8 adds only a nonzero
        // one, so that a -0 quotient stays -0 (the reference ignores float8 zero points).
        if (t == DType::f4e2m1 || z != 0) q += z;
        py[i] = narrow_float_from_double(t, q, saturate);
      }
      return {};
    }
    for (int64_t i = 0; i < n; ++i) {
      int64_t p = param(i);
      T q = px[i] / static_cast<T>(read_real(scale, p));
      double r = std::isnan(static_cast<double>(q)) ? q : std::nearbyint(static_cast<double>(q));
      if (zp) r += static_cast<double>(read_int(*zp, p));  // exact: |r| beyond 2^53 saturates anyway
      store_int(y, i, saturate_round(r, y.type.dtype));
    }
    return {};
  });
}

std::string run_dequantize_linear(const KernelArgs& args) {
  const TensorView &x = args.in[0], &scale = args.in[1];
  const TensorView* zp = args.has(2) ? &args.in[2] : nullptr;
  const TensorView& y = args.out[0];
  ParamIndex param(x.type.dims, scale.type.dims, args.attrs);
  int64_t n = y.type.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t p = param(i);
    double v = 0;
    if (is_quant_float(x.type.dtype))  // exact values; NaN stays NaN
      v = (read_real(x, i) - (zp ? read_real(*zp, p) : 0.0)) * read_real(scale, p);
    else
      v = static_cast<double>(read_int(x, i) - (zp ? read_int(*zp, p) : 0)) * read_real(scale, p);
    if (y.type.dtype == DType::f32)
      y.as<float>()[i] = static_cast<float>(v);
    else if (y.type.dtype == DType::f16)
      y.as<uint16_t>()[i] = half_from_double(v);  // one rounding: the product is exact in double
    else
      y.as<double>()[i] = v;
  }
  return {};
}

std::string run_matmul_integer(const KernelArgs& args) {
  const TensorView& y = args.out[0];
  int32_t* py = y.as<int32_t>();
  integer_matmul(args.in[0], args.has(2) ? &args.in[2] : nullptr, args.in[1], args.has(3) ? &args.in[3] : nullptr,
                 [&](int64_t i, int64_t, int64_t, int64_t acc) { py[i] = static_cast<int32_t>(acc); });
  return {};
}

std::string run_qlinear_matmul(const KernelArgs& args) {
  const TensorView &as = args.in[1], &bs = args.in[4], &ys = args.in[6];
  const TensorView* yzp = args.has(7) ? &args.in[7] : nullptr;
  const TensorView& y = args.out[0];
  bool a_rows = !is_scalar_like(as.type), b_cols = !is_scalar_like(bs.type);
  DType st = as.type.dtype;
  double zy = yzp ? static_cast<double>(read_int(*yzp, 0)) : 0.0;
  integer_matmul(args.in[0], args.has(2) ? &args.in[2] : nullptr, args.in[3], args.has(5) ? &args.in[5] : nullptr,
                 [&](int64_t i, int64_t r, int64_t c, int64_t acc) {
                   double mult = multiplier(st, read_real(as, a_rows ? r : 0), read_real(bs, b_cols ? c : 0),
                                            read_real(ys, 0));
                   store_int(y, i, requantize(static_cast<double>(acc) * mult, zy, y.type.dtype));
                 });
  return {};
}

std::string run_conv_integer(const KernelArgs& args) {
  const TensorView& y = args.out[0];
  int32_t* py = y.as<int32_t>();
  return integer_conv(args.schema, args.attrs, args.in[0], args.has(2) ? &args.in[2] : nullptr, args.in[1],
                      args.has(3) ? &args.in[3] : nullptr, y,
                      [&](int64_t i, int64_t, int64_t acc) { py[i] = static_cast<int32_t>(acc); });
}

std::string run_qlinear_conv(const KernelArgs& args) {
  const TensorView &xs = args.in[1], &ws = args.in[4], &ys = args.in[6];
  const TensorView* yzp = args.has(7) ? &args.in[7] : nullptr;
  const TensorView* bias = args.has(8) ? &args.in[8] : nullptr;
  const TensorView& y = args.out[0];
  bool w_channels = !is_scalar_like(ws.type);
  DType st = xs.type.dtype;
  double zy = yzp ? static_cast<double>(read_int(*yzp, 0)) : 0.0;
  return integer_conv(args.schema, args.attrs, args.in[0], args.has(2) ? &args.in[2] : nullptr, args.in[3],
                      args.has(5) ? &args.in[5] : nullptr, y, [&](int64_t i, int64_t m, int64_t acc) {
                        if (bias) acc += read_int(*bias, m);
                        double mult = multiplier(st, read_real(xs, 0), read_real(ws, w_channels ? m : 0),
                                                 read_real(ys, 0));
                        store_int(y, i, requantize(static_cast<double>(acc) * mult, zy, y.type.dtype));
                      });
}

}  // namespace halo::sem::kernels
