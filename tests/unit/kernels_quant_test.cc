// kernels_quant_test.cc - the quant family of reference kernels (QuantizeLinear,
// DequantizeLinear, MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv).
//
// Expected values are worked out by hand; the arithmetic is written next to them.
// Rounding is half to even, then saturation to the result type.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

// ---- harness --------------------------------------------------------------------------

Tensor none() { return Tensor{}; }  // an absent optional operand

const float kNaN = std::numeric_limits<float>::quiet_NaN();
using U8 = std::vector<uint8_t>;
using I8 = std::vector<int8_t>;
using I32 = std::vector<int32_t>;

// ---- QuantizeLinear ------------------------------------------------------------------------

TEST(KernelsQuant, QuantizePerTensorUint8RoundsHalfToEvenAndSaturates) {
  // x / 2 + 128: 0 -> 128; 2 -> 129; 3 -> 1.5 -> 2 -> 130; 5 -> 2.5 -> 2 -> 130;
  // -1 -> -0.5 -> 0 -> 128; 1000 -> 628 -> 255; -300 -> -150 + 128 -> 0; NaN -> 0.
  Result r = run(OpKind::QuantizeLinear,
                 {f32({8}, {0, 2, 3, 5, -1, 1000, -300, kNaN}), f32({}, {2}), u8({}, {128})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::u8, {8}}));
  EXPECT_EQ(r.get<uint8_t>(), (U8{128, 129, 130, 130, 128, 255, 0, 0}));
}

TEST(KernelsQuant, QuantizePerAxisInt8) {
  // axis 1, scales {2, 4}, zero points {0, -1}: 10/2 = 5; 10/4 = 2.5 -> 2, -1 -> 1;
  // -10/2 = -5; -10/4 = -2.5 -> -2, -1 -> -3.
  Result r = run(OpKind::QuantizeLinear, {f32({2, 2}, {10, 10, -10, -10}), f32({2}, {2, 4}), i8({2}, {0, -1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i8, {2, 2}}));
  EXPECT_EQ(r.get<int8_t>(), (I8{5, 1, -5, -3}));
}

TEST(KernelsQuant, QuantizeBlockedWithOutputDtype) {
  // axis 1, block 2: row 0 scales {1 (cols 0-1), 2 (cols 2-3)}, row 1 {4, 8}; no zero
  // point, output_dtype 5 (int16): 1, 2, 1.5 -> 2, 2; 2, 4, 3, 4.
  Result r = run(OpKind::QuantizeLinear, {f64({2, 4}, {1, 2, 3, 4, 8, 16, 24, 32}), f64({2, 2}, {1, 2, 4, 8}), none()},
                 attrs({{"axis", int64_t{1}}, {"block_size", int64_t{2}}, {"output_dtype", int64_t{5}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i16, {2, 4}}));
  EXPECT_EQ(r.get<int16_t>(), (std::vector<int16_t>{1, 2, 2, 2, 2, 4, 3, 4}));
}

TEST(KernelsQuant, QuantizeDefaultsToUint8AndUint16Saturates) {
  Result r = run(OpKind::QuantizeLinear, {f32({2}, {-1, 300}), f32({1}, {1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::u8, {2}}));
  EXPECT_EQ(r.get<uint8_t>(), (U8{0, 255}));
  // uint16: 70000 -> 65535, 0.5 -> 0 (+ 10) -> 10.
  Result s = run(OpKind::QuantizeLinear, {f32({2}, {70000, 0.5f}), f32({}, {1}), u16({}, {10})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.get<uint16_t>(), (std::vector<uint16_t>{65535, 10}));
}

TEST(KernelsQuant, QuantizeRejectsBadParameters) {
  expect_error(run(OpKind::QuantizeLinear, {f32({2}, {1, 2}), f32({}, {1}), i8({}, {0})},
                   attrs({{"output_dtype", int64_t{2}}}))
                   .error,
               "QuantizeLinear", "output_dtype");
  expect_error(run(OpKind::QuantizeLinear, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2}, {1, 1})}).error,
               "QuantizeLinear", "scale");
  expect_error(run(OpKind::QuantizeLinear, {f32({2}, {1, 2}), f32({}, {1}), i32({}, {0})}).error, "QuantizeLinear",
               "y_zero_point");
  expect_error(run(OpKind::QuantizeLinear, {i32({2}, {1, 2}), f32({}, {1})}).error, "QuantizeLinear", "x must be");
}

// ---- DequantizeLinear ----------------------------------------------------------------------

TEST(KernelsQuant, DequantizePerTensorUint8) {
  // (x - 128) * 2: -256, -250, 0, 254.
  Result r = run(OpKind::DequantizeLinear, {u8({4}, {0, 3, 128, 255}), f32({}, {2}), u8({}, {128})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {4}}));
  EXPECT_EQ(r.get<float>(), (std::vector<float>{-256, -250, 0, 254}));
}

TEST(KernelsQuant, DequantizePerAxisInt32Double) {
  // axis 0, scales {0.5, 0.25}: 10*0.5, 20*0.5, 30*0.25, 40*0.25.
  Result r = run(OpKind::DequantizeLinear, {i32({2, 2}, {10, 20, 30, 40}), f64({2}, {0.5, 0.25})},
                 attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f64, {2, 2}}));
  EXPECT_EQ(r.get<double>(), (std::vector<double>{5, 10, 7.5, 10}));
}

TEST(KernelsQuant, DequantizeBlockedInt16) {
  // axis 0, block 2 over 3 rows: rows 0-1 use scale/zp row 0 ({1, 2} / {0, 1}),
  // row 2 uses row 1 ({10, 20} / {-1, 0}).
  // (1-0)*1, (3-1)*2; (-1-0)*1, (5-1)*2; (2+1)*10, (-3-0)*20.
  Result r = run(OpKind::DequantizeLinear,
                 {i16({3, 2}, {1, 3, -1, 5, 2, -3}), f32({2, 2}, {1, 2, 10, 20}), i16({2, 2}, {0, 1, -1, 0})},
                 attrs({{"axis", int64_t{0}}, {"block_size", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<float>(), (std::vector<float>{1, 4, -1, 8, 30, -60}));
}

TEST(KernelsQuant, DequantizeRejectsMismatchedZeroPoint) {
  expect_error(run(OpKind::DequantizeLinear, {u8({2}, {1, 2}), f32({}, {1}), i8({}, {0})}).error,
               "DequantizeLinear", "x_zero_point");
  expect_error(run(OpKind::DequantizeLinear, {u8({2}, {1, 2}), f32({}, {1})}, attrs({{"output_dtype", int64_t{10}}}))
                   .error,
               "DequantizeLinear", "output_dtype");
}

// ---- MatMulInteger ---------------------------------------------------------------------------

TEST(KernelsQuant, MatMulIntegerZeroPoints) {
  // A - 1 = [[0,1,2],[3,4,5]], B = [[1,0],[0,1],[1,1]]:
  // row 0: [0+0+2, 0+1+2] = [2, 3]; row 1: [3+0+5, 0+4+5] = [8, 9].
  Result r = run(OpKind::MatMulInteger,
                 {u8({2, 3}, {1, 2, 3, 4, 5, 6}), u8({3, 2}, {1, 0, 0, 1, 1, 1}), u8({}, {1}), u8({1}, {0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i32, {2, 2}}));
  EXPECT_EQ(r.get<int32_t>(), (I32{2, 3, 8, 9}));
  // Per-row a_zero_point {1, 2}: row 1 becomes [2,3,4] -> [2+4, 3+4] = [6, 7].
  Result p = run(OpKind::MatMulInteger, {u8({2, 3}, {1, 2, 3, 4, 5, 6}), u8({3, 2}, {1, 0, 0, 1, 1, 1}), u8({2}, {1, 2})});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.get<int32_t>(), (I32{2, 3, 6, 7}));
}

TEST(KernelsQuant, MatMulIntegerMixedSignednessAndBatch) {
  // int8 A [2,1,2] x uint8 B [2,1]: -128*255 + 127*1 = -32513; 1*255 + -1*1 = 254.
  Result r = run(OpKind::MatMulInteger, {i8({2, 1, 2}, {-128, 127, 1, -1}), u8({2, 1}, {255, 1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i32, {2, 1, 1}}));
  EXPECT_EQ(r.get<int32_t>(), (I32{-32513, 254}));
  expect_error(run(OpKind::MatMulInteger, {f32({1, 1}, {1}), u8({1, 1}, {1})}).error, "MatMulInteger", "i8 or u8");
  expect_error(run(OpKind::MatMulInteger, {u8({1, 2}, {1, 1}), u8({3, 1}, {1, 1, 1})}).error, "MatMulInteger",
               "inner dimensions");
}

// ---- QLinearMatMul ---------------------------------------------------------------------------

TEST(KernelsQuant, QLinearMatMulRequantizes) {
  // (a - 10) = [0, 10], (b - 1) = [2, 4]: acc 40; 40 * 0.5 * 0.25 / 0.125 = 40, + 100 = 140.
  Result r = run(OpKind::QLinearMatMul, {u8({1, 2}, {10, 20}), f32({}, {0.5f}), u8({}, {10}), u8({2, 1}, {3, 5}),
                                         f32({}, {0.25f}), u8({}, {1}), f32({}, {0.125f}), u8({}, {100})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::u8, {1, 1}}));
  EXPECT_EQ(r.get<uint8_t>(), (U8{140}));
  // y_scale 0.01: 40 * 12.5 = 500 + 100 -> saturates at 255.
  Result s = run(OpKind::QLinearMatMul, {u8({1, 2}, {10, 20}), f32({}, {0.5f}), u8({}, {10}), u8({2, 1}, {3, 5}),
                                         f32({}, {0.25f}), u8({}, {1}), f32({}, {0.01f}), u8({}, {100})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.get<uint8_t>(), (U8{255}));
}

TEST(KernelsQuant, QLinearMatMulTiesToEvenWithHalfScales) {
  // int8, scales 0.5 (0x3800), 1 (0x3C00), 1: 5 * 0.5 = 2.5 -> 2; 7 * 0.5 = 3.5 -> 4;
  // -3 * 0.5 = -1.5 -> -2; y_zero_point -1.
  Result r = run(OpKind::QLinearMatMul, {i8({3, 1}, {5, 7, -3}), f16({}, {0x3800}), i8({}, {0}), i8({1, 1}, {1}),
                                         f16({}, {0x3C00}), i8({}, {0}), f16({}, {0x3C00}), i8({}, {-1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i8, {3, 1}}));
  EXPECT_EQ(r.get<int8_t>(), (I8{1, 3, -3}));
  expect_error(run(OpKind::QLinearMatMul, {i8({1, 1}, {1}), f16({}, {0x3800}), i8({}, {0}), i8({1, 1}, {1}),
                                           f32({}, {1}), i8({}, {0}), f32({}, {1}), i8({}, {0})})
                   .error,
               "QLinearMatMul", "one float type");
}

// ---- ConvInteger -------------------------------------------------------------------------------

TEST(KernelsQuant, ConvIntegerWithAndWithoutPadding) {
  // x - 1 = [[0,1,2],[3,4,5],[6,7,8]], 2x2 kernel of ones: window sums 8, 12, 20, 24.
  Tensor x = u8({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Result r = run(OpKind::ConvInteger, {x, u8({1, 1, 2, 2}, {1, 1, 1, 1}), u8({}, {1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i32, {1, 1, 2, 2}}));
  EXPECT_EQ(r.get<int32_t>(), (I32{8, 12, 20, 24}));
  // Pads 1 on every side: 4x4 of partial window sums.
  Result p = run(OpKind::ConvInteger, {x, u8({1, 1, 2, 2}, {1, 1, 1, 1}), u8({}, {1})},
                 attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.type(), (TensorType{DType::i32, {1, 1, 4, 4}}));
  EXPECT_EQ(p.get<int32_t>(), (I32{0, 1, 3, 2, 3, 8, 12, 7, 9, 20, 24, 13, 6, 13, 15, 8}));
}

TEST(KernelsQuant, ConvIntegerPerChannelWeightZeroPoint) {
  // 1x1 kernels {3, 5} with zero points {1, 2}: channel 0 = 2 * x, channel 1 = 3 * x.
  Result r = run(OpKind::ConvInteger, {i8({1, 1, 1, 2}, {-4, 7}), i8({2, 1, 1, 1}, {3, 5}), none(), i8({2}, {1, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i32, {1, 2, 1, 2}}));
  EXPECT_EQ(r.get<int32_t>(), (I32{-8, 14, -12, 21}));
}

// ---- QLinearConv -------------------------------------------------------------------------------

TEST(KernelsQuant, QLinearConvPerChannelScalesAndBias) {
  // channel 0: (2x + 1) * 0.5 = 1.5, 2.5, 3.5, 4.5 -> 2, 2, 4, 4, + 10;
  // channel 1: (4x - 1) * 0.25 = 0.75, 1.75, 2.75, 3.75 -> 1, 2, 3, 4, + 10.
  Result r = run(OpKind::QLinearConv,
                 {u8({1, 1, 2, 2}, {1, 2, 3, 4}), f32({}, {1}), u8({}, {0}), u8({2, 1, 1, 1}, {2, 4}),
                  f32({2}, {0.5f, 0.25f}), u8({2}, {0, 0}), f32({}, {1}), u8({}, {10}), i32({2}, {1, -1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::u8, {1, 2, 2, 2}}));
  EXPECT_EQ(r.get<uint8_t>(), (U8{12, 12, 14, 14, 11, 12, 13, 14}));
}

TEST(KernelsQuant, QLinearConvRejectsBadBias) {
  expect_error(run(OpKind::QLinearConv, {u8({1, 1, 2, 2}, {1, 2, 3, 4}), f32({}, {1}), u8({}, {0}),
                                         u8({1, 1, 1, 1}, {2}), f32({}, {1}), u8({}, {0}), f32({}, {1}), u8({}, {0}),
                                         i32({2}, {1, 1})})
                   .error,
               "QLinearConv", "B must be");
}

}  // namespace
