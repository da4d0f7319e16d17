// kernels_nn_norm_test.cc - the nn_norm family's reference semantics
// (LayerNormalization, RMSNormalization, InstanceNormalization, GroupNormalization, LRN,
// MeanVarianceNormalization, GlobalMaxPool, LpPool, GlobalLpPool) on small cases.
//
// Expected values are worked out by hand (noted next to each case) or from the closed
// formula written in the test; they never come from the kernels themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

const double kS = std::sqrt(1.5);  // (x - mean) / std for {1, 2, 3}: -kS, 0, kS

// ---- LayerNormalization ---------------------------------------------------------------

TEST(KernelsNnNorm, LayerNormLastAxisScaleAndBias) {
  // Rows {1,2,3} and {2,4,6}: mean 2 / 4, variance 2/3 / 8/3 -> both normalize to
  // {-sqrt(1.5), 0, sqrt(1.5)}; then * {1, 2, 0.5} + {0, 1, -1}.
  Result r = run(OpKind::LayerNormalization,
                 {f32({2, 3}, {1, 2, 3, 2, 4, 6}), f32({3}, {1, 2, 0.5f}), f32({3}, {0, 1, -1})},
                 attrs({{"epsilon", 0.0}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {2, 3}}));
  expect_close(r.f(), {-kS, 1, 0.5 * kS - 1, -kS, 1, 0.5 * kS - 1});
}

TEST(KernelsNnNorm, LayerNormAxisZeroBroadcastScaleNoBias) {
  // All six values {1,2,3,2,4,6}: mean 3, variance 16/6; Scale [1] broadcasts.
  double sd = std::sqrt(16.0 / 6.0);
  Result r = run(OpKind::LayerNormalization, {f64({2, 3}, {1, 2, 3, 2, 4, 6}), f64({1}, {2})},
                 attrs({{"axis", int64_t{0}}, {"epsilon", 0.0}}));
  ASSERT_EQ(r.error, "");
  std::vector<double> want;
  for (double v : {1, 2, 3, 2, 4, 6}) want.push_back(2 * (v - 3) / sd);
  std::vector<double> got = r.d();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12);
}

TEST(KernelsNnNorm, LayerNormEpsilonAndErrors) {
  // {0, 2}: mean 1, variance 1; epsilon 3 -> (x - 1) / 2.
  Result r = run(OpKind::LayerNormalization, {f32({1, 2}, {0, 2}), f32({2}, {1, 1})}, attrs({{"epsilon", 3.0}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-0.5, 0.5});
  expect_error(run(OpKind::LayerNormalization, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({4}, {1, 1, 1, 1})}).error,
               "LayerNormalization", "does not broadcast");
  expect_error(run(OpKind::LayerNormalization, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {1, 1, 1})},
                   attrs({{"axis", int64_t{2}}}))
                   .error,
               "LayerNormalization", "out of range");
}

// ---- LayerNormalizationWithStats -----------------------------------------------------

TEST(KernelsNnNorm, LayerNormWithStatsLastAxis) {
  // Rows {1, 3} (mean 2, variance 1) and {2, 2} (mean 2, variance 0), epsilon 0.75:
  // InvStdDev 1/sqrt(1.75) and 1/sqrt(0.75); Y = (x - 2) * InvStdDev * {1, 2}.
  Result r = run(OpKind::LayerNormalizationWithStats, {f32({2, 2}, {1, 3, 2, 2}), f32({2}, {1, 2})},
                 attrs({{"epsilon", 0.75}}));
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.outs.size(), 3u);
  EXPECT_EQ(r.type(0), (TensorType{DType::f32, {2, 2}}));
  EXPECT_EQ(r.type(1), (TensorType{DType::f32, {2, 1}}));
  EXPECT_EQ(r.type(2), (TensorType{DType::f32, {2, 1}}));
  double a = 1 / std::sqrt(1.75), b = 1 / std::sqrt(0.75);
  expect_close(r.f(0), {-a, 2 * a, 0, 0});
  expect_close(r.f(1), {2, 2});
  expect_close(r.f(2), {a, b});
}

TEST(KernelsNnNorm, LayerNormWithStatsInnerAxesAndBias) {
  // X [2, 1, 2], axis 1: rows {0, 4} and {1, 1}; stats shape [2, 1, 1]. f64, epsilon 0:
  // row 0 mean 2, variance 4 -> InvStdDev 0.5, Y = {-1, 1} + B {10, 20}.
  Result r = run(OpKind::LayerNormalizationWithStats, {f64({2, 1, 2}, {0, 4, 1, 1}), f64({1, 2}, {1, 1}),
                                                       f64({2}, {10, 20})},
                 attrs({{"axis", int64_t{1}}, {"epsilon", 0.0}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(1), (TensorType{DType::f64, {2, 1, 1}}));
  EXPECT_EQ(r.d(1), (std::vector<double>{2, 1}));
  EXPECT_EQ(r.d(2).at(0), 0.5);
  EXPECT_TRUE(std::isinf(r.d(2).at(1)));  // variance 0, epsilon 0: 1 / 0
  EXPECT_EQ(r.d(0).at(0), 9);
  EXPECT_EQ(r.d(0).at(1), 21);
  // axis 0: one row, the whole tensor; stats [1, 1, 1].
  r = run(OpKind::LayerNormalizationWithStats, {f64({2, 1, 2}, {0, 4, 1, 1}), f64({1}, {1})},
          attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(1), (Dims{1, 1, 1}));
  EXPECT_EQ(r.d(1), (std::vector<double>{1.5}));
  expect_error(run(OpKind::LayerNormalizationWithStats, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({4}, {1, 1, 1, 1})})
                   .error,
               "LayerNormalizationWithStats", "does not broadcast");
}

// ---- RMSNormalization -----------------------------------------------------------------

TEST(KernelsNnNorm, RmsNormalization) {
  // {3, 4}: mean square 12.5 -> x / sqrt(12.5) * {1, 2}.
  double rms = std::sqrt(12.5);
  Result r = run(OpKind::RMSNormalization, {f32({1, 2}, {3, 4}), f32({2}, {1, 2})}, attrs({{"epsilon", 0.0}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {3 / rms, 8 / rms});
  // axis 0 over [2, 1] {1, 7}: mean square 25 -> {0.2, 1.4}; epsilon 11 -> sqrt(36) = 6.
  Result a = run(OpKind::RMSNormalization, {f64({2, 1}, {1, 7}), f64({1}, {1})},
                 attrs({{"axis", int64_t{0}}, {"epsilon", 11.0}}));
  ASSERT_EQ(a.error, "");
  std::vector<double> d = a.d();
  EXPECT_NEAR(d[0], 1.0 / 6, 1e-12);
  EXPECT_NEAR(d[1], 7.0 / 6, 1e-12);
}

// ---- InstanceNormalization ------------------------------------------------------------

TEST(KernelsNnNorm, InstanceNormOnnxExample) {
  // The ONNX documentation's example: channels {-1,0,1} and {2,3,4} (variance 2/3 each),
  // scale {1, 1.5}, B {0, 1}, epsilon 1e-5.
  double k = 1 / std::sqrt(2.0 / 3.0 + 1e-5);
  Result r = run(OpKind::InstanceNormalization,
                 {f32({1, 2, 1, 3}, {-1, 0, 1, 2, 3, 4}), f32({2}, {1, 1.5f}), f32({2}, {0, 1})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-k, 0, k, 1 - 1.5 * k, 1, 1 + 1.5 * k});
  expect_error(run(OpKind::InstanceNormalization,
                   {f32({1, 2, 1, 3}, {-1, 0, 1, 2, 3, 4}), f32({3}, {1, 1, 1}), f32({2}, {0, 1})})
                   .error,
               "InstanceNormalization", "operand scale must have shape [2]");
}

// ---- GroupNormalization ---------------------------------------------------------------

TEST(KernelsNnNorm, GroupNormTwoGroupsPerChannelAffine) {
  // X [1,4,1,2] = 0..7, 2 groups: {0,1,2,3} and {4,5,6,7}, each mean +1.5 offset and
  // variance 1.25 -> z = (-1.5, -0.5, 0.5, 1.5) / sqrt(1.25); scale {1,1,2,2}, bias {0,0,0,1}.
  double s = std::sqrt(1.25);
  std::vector<double> z = {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s};
  Result r = run(OpKind::GroupNormalization,
                 {f32({1, 4, 1, 2}, {0, 1, 2, 3, 4, 5, 6, 7}), f32({4}, {1, 1, 2, 2}), f32({4}, {0, 0, 0, 1})},
                 attrs({{"num_groups", int64_t{2}}, {"epsilon", 0.0}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {z[0], z[1], z[2], z[3], 2 * z[0], 2 * z[1], 2 * z[2] + 1, 2 * z[3] + 1});
  expect_error(run(OpKind::GroupNormalization,
                   {f32({1, 4, 1, 1}, {0, 1, 2, 3}), f32({4}, {1, 1, 1, 1}), f32({4}, {0, 0, 0, 0})},
                   attrs({{"num_groups", int64_t{3}}}))
                   .error,
               "GroupNormalization", "not divisible by num_groups 3");
}

// ---- LRN ------------------------------------------------------------------------------

TEST(KernelsNnNorm, LrnAcrossChannels) {
  // size 2: channel c sums squares of channels [c, c+1]; alpha 1, beta 1, bias 1:
  // c0: 1 / (1 + (1+4)/2) = 1/3.5, c1: 2 / (1 + (4+9)/2) = 2/7.5, c2: 3 / (1 + 9/2) = 3/5.5.
  Result r = run(OpKind::LRN, {f32({1, 3, 1, 1}, {1, 2, 3})},
                 attrs({{"size", int64_t{2}}, {"alpha", 1.0}, {"beta", 1.0}, {"bias", 1.0}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {1 / 3.5, 2 / 7.5, 3 / 5.5});
  // size 3, beta 0.5: c1 sums all three: 2 / sqrt(1 + 14/3).
  Result b = run(OpKind::LRN, {f32({1, 3, 1, 1}, {1, 2, 3})},
                 attrs({{"size", int64_t{3}}, {"alpha", 1.0}, {"beta", 0.5}, {"bias", 1.0}}));
  ASSERT_EQ(b.error, "");
  expect_close(b.f(), {1 / std::sqrt(1 + 5.0 / 3), 2 / std::sqrt(1 + 14.0 / 3), 3 / std::sqrt(1 + 13.0 / 3)});
  expect_error(run(OpKind::LRN, {f32({1, 3, 1, 1}, {1, 2, 3})}, attrs({{"size", int64_t{0}}})).error, "LRN",
               "size must be >= 1");
}

// ---- MeanVarianceNormalization --------------------------------------------------------

TEST(KernelsNnNorm, MeanVarianceNormalization) {
  // Default axes {0,2,3}: channel 0 {1,3} (mean 2, std 1), channel 1 {10,20} (mean 15, std 5).
  double k = 1 / (1 + 1e-9);
  Result r = run(OpKind::MeanVarianceNormalization, {f32({1, 2, 1, 2}, {1, 3, 10, 20})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-k, k, -k, k});
  // axes {0} on [2,2]: columns {1,10} (mean 5.5, std 4.5) and {3,20} (mean 11.5, std 8.5).
  Result c = run(OpKind::MeanVarianceNormalization, {f64({2, 2}, {1, 3, 10, 20})}, attrs({{"axes", Dims{0}}}));
  ASSERT_EQ(c.error, "");
  std::vector<double> d = c.d();
  EXPECT_NEAR(d[0], -4.5 / (4.5 + 1e-9), 1e-12);
  EXPECT_NEAR(d[3], 8.5 / (8.5 + 1e-9), 1e-12);
  expect_error(run(OpKind::MeanVarianceNormalization, {f32({2, 2}, {1, 3, 10, 20})}).error,
               "MeanVarianceNormalization", "out of range");
}

// ---- pools ----------------------------------------------------------------------------

TEST(KernelsNnNorm, GlobalMaxPool) {
  Result r = run(OpKind::GlobalMaxPool, {f32({1, 2, 2, 2}, {1, 5, 3, 2, -1, -7, -3, -2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{1, 2, 1, 1}));
  expect_close(r.f(), {5, -1});
  expect_error(run(OpKind::GlobalMaxPool, {f32({2, 2}, {1, 2, 3, 4})}).error, "GlobalMaxPool");
}

TEST(KernelsNnNorm, GlobalLpPool) {
  Result two = run(OpKind::GlobalLpPool, {f32({1, 1, 2, 2}, {3, 4, 0, 0})});
  ASSERT_EQ(two.error, "");
  EXPECT_EQ(two.type().dims, (Dims{1, 1, 1, 1}));
  expect_close(two.f(), {5});
  Result one = run(OpKind::GlobalLpPool, {f64({1, 1, 4}, {1, -2, 3, -4})}, attrs({{"p", int64_t{1}}}));
  ASSERT_EQ(one.error, "");
  EXPECT_NEAR(one.d()[0], 10, 1e-12);
  expect_error(run(OpKind::GlobalLpPool, {f32({1, 1, 1}, {1})}, attrs({{"p", int64_t{0}}})).error, "GlobalLpPool",
               "p must be >= 1");
}

TEST(KernelsNnNorm, LpPoolWindowsAndPadding) {
  // p 1 over 2x2 windows of 1..9 (3x3): sums 12, 16, 24, 28.
  Result one = run(OpKind::LpPool, {f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})},
                   attrs({{"kernel_shape", Dims{2, 2}}, {"p", int64_t{1}}}));
  ASSERT_EQ(one.error, "");
  EXPECT_EQ(one.type().dims, (Dims{1, 1, 2, 2}));
  expect_close(one.f(), {12, 16, 24, 28});
  // p 2, leading padding 1: windows see {3}, {3,4}, {3,0}, {3,4,0,0} -> 3, 5, 3, 5.
  Result two = run(OpKind::LpPool, {f32({1, 1, 2, 2}, {3, 4, 0, 0})},
                   attrs({{"kernel_shape", Dims{2, 2}}, {"pads", Dims{1, 1, 0, 0}}}));
  ASSERT_EQ(two.error, "");
  expect_close(two.f(), {3, 5, 3, 5});
  expect_error(run(OpKind::LpPool, {f32({1, 1, 2, 2}, {3, 4, 0, 0})},
                   attrs({{"kernel_shape", Dims{2, 2}}, {"p", int64_t{-1}}}))
                   .error,
               "LpPool", "p must be >= 1");
}

}  // namespace
