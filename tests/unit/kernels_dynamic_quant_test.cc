// kernels_dynamic_quant_test.cc - DynamicQuantizeLinear (ops/dynamic_quant.toml).
// The inputs are chosen so that y_scale is exact (a range of 255 or 510), which makes
// every expected value a hand computation: zero point = -min / scale, y = round half to
// even of x / scale, plus the zero point, clamped to [0, 255].
#include "kernel_harness.h"

namespace halo_test {
namespace {

using U8 = std::vector<uint8_t>;

TEST(KernelsDynamicQuant, RangeWithZeroPointRoundsHalfToEven) {
  // min -51, max 204: scale 255 / 255 = 1, zero point 51.
  Result r = run(OpKind::DynamicQuantizeLinear, {f32({2, 3}, {-51, 0.5f, 1.5f, 2.5f, -0.5f, 204})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(0), (Dims{2, 3}));
  EXPECT_EQ(r.type(0).dtype, DType::u8);
  EXPECT_EQ(r.dims(1), Dims{});
  EXPECT_EQ(r.dims(2), Dims{});
  // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0: each plus 51.
  EXPECT_EQ(r.get<uint8_t>(0), (U8{0, 51, 53, 53, 51, 255}));
  EXPECT_EQ(r.f(1), (std::vector<float>{1.0f}));
  EXPECT_EQ(r.get<uint8_t>(2), (U8{51}));
}

TEST(KernelsDynamicQuant, PositiveDataStillIncludesZero) {
  // min widened to 0, max 510: scale 2, zero point 0; 3 / 2 = 1.5 -> 2, 5 / 2 = 2.5 -> 2.
  Result r = run(OpKind::DynamicQuantizeLinear, {f32({4}, {3, 5, 510, 100})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(0), (U8{2, 2, 255, 50}));
  EXPECT_EQ(r.f(1), (std::vector<float>{2.0f}));
  EXPECT_EQ(r.get<uint8_t>(2), (U8{0}));
}

TEST(KernelsDynamicQuant, NegativeDataSaturatesTheZeroPoint) {
  // min -255, max widened to 0: scale 1, zero point 255.
  Result r = run(OpKind::DynamicQuantizeLinear, {f32({3}, {-255, -1, -100.5f})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(0), (U8{0, 254, 155}));
  EXPECT_EQ(r.get<uint8_t>(2), (U8{255}));
}

TEST(KernelsDynamicQuant, AllZeroAndEmptyInputs) {
  // An empty range is taken as 1 (as in ONNX's reference): scale 1 / 255.
  Result r = run(OpKind::DynamicQuantizeLinear, {f32({2}, {0, 0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(0), (U8{0, 0}));
  EXPECT_EQ(r.f(1), (std::vector<float>{1.0f / 255.0f}));
  Result e = run(OpKind::DynamicQuantizeLinear, {f32({0, 3}, {})});
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.get<uint8_t>(2), (U8{0}));
}

TEST(KernelsDynamicQuant, OnlyFloat32) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::DynamicQuantizeLinear, {TensorType{DType::f64, {2}}}, {}, outs), "DynamicQuantizeLinear", "f32");
}

}  // namespace
}  // namespace halo_test
