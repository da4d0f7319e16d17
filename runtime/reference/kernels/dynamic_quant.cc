// dynamic_quant.cc - DynamicQuantizeLinear: uint8 quantization with parameters taken
// from the data.
//
// The arithmetic is float32 on purpose, as ONNX defines it (and as its reference and
// onnxruntime compute it): the quantized integers depend on where x / y_scale falls
// relative to .5, and a double computation would round some elements differently.
// ONNX leaves the all-zero range undefined; like ONNX's reference implementation we then
// use a range of 1 (y_scale = 1 / 255), which quantizes every element to 0.
#include <cmath>

#include "kernels.h"

namespace halo::sem::kernels {

namespace {

constexpr float kQMin = 0.0f, kQMax = 255.0f;

// round half to even (the default floating-point rounding mode), then clamp to
// [0, 255]; NaN (from NaN or infinite input) becomes 0 rather than an undefined cast.
uint8_t saturate_round(float v) {
  float r = std::nearbyint(v);
  if (std::isnan(r)) return 0;
  return static_cast<uint8_t>(std::fmin(kQMax, std::fmax(kQMin, r)));
}

}  // namespace

std::string shape_dynamic_quant(const OpSchema& s, std::span<const TensorType> in, const AttrMap&,
                                std::vector<TensorType>& out) {
  if (in[0].dtype != DType::f32) return fail(s.name, "x must be f32, got ", dtype_name(in[0].dtype));
  out = {TensorType{DType::u8, in[0].dims}, TensorType{DType::f32, {}}, TensorType{DType::u8, {}}};
  return {};
}

std::string run_dynamic_quant(const KernelArgs& args) {
  const float* x = args.in[0].as<const float>();
  int64_t n = args.in[0].type.num_elements();
  // The range always includes 0, so that 0 is exactly representable. NaNs are skipped.
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::fmin(lo, x[i]);
    hi = std::fmax(hi, x[i]);
  }
  float range = hi == lo ? 1.0f : hi - lo;
  float scale = range / (kQMax - kQMin);
  uint8_t zero_point = saturate_round(kQMin - lo / scale);
  uint8_t* y = args.out[0].as<uint8_t>();
  for (int64_t i = 0; i < n; ++i) y[i] = saturate_round(std::nearbyint(x[i] / scale) + static_cast<float>(zero_point));
  *args.out[1].as<float>() = scale;
  *args.out[2].as<uint8_t>() = zero_point;
  return {};
}

}  // namespace halo::sem::kernels
