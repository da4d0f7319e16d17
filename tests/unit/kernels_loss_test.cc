// kernels_loss_test.cc - the loss family's reference semantics
// (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss, LpNormalization) on small cases.
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

// The attributes the ONNX handler produces: ignore_index only counts with has_ignore_index.
AttrMap loss_attrs(const char* reduction) { return attrs({{"reduction", std::string(reduction)}}); }
AttrMap loss_attrs(const char* reduction, int64_t ignore) {
  return attrs({{"reduction", std::string(reduction)}, {"ignore_index", ignore}, {"has_ignore_index", int64_t{1}}});
}

// x = [[1, 2, 3], [4, 5, 6]] read as log-probabilities; target [2, 0] picks 3 and 4.
Tensor nll_x() { return f32({2, 3}, {1, 2, 3, 4, 5, 6}); }

// ---- NegativeLogLikelihoodLoss ----------------------------------------------------------

TEST(KernelsLoss, NllReductions) {
  auto r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0})}, loss_attrs("none"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {2}}));
  expect_close(r.f(), {-3, -4});
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0})}, loss_attrs("sum"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {}}));
  expect_close(r.f(), {-7});
  // mean is the default reduction: -7 / 2
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-3.5});
}

TEST(KernelsLoss, NllWeight) {
  // weight [0.5, 1, 2]: targets 2, 0 weigh 2 and 0.5 -> losses -6, -2; mean -8 / 2.5.
  Tensor w = f32({3}, {0.5f, 1, 2});
  auto r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0}), w}, loss_attrs("none"));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-6, -2});
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0}), w}, loss_attrs("sum"));
  expect_close(r.f(), {-8});
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0}), w}, loss_attrs("mean"));
  expect_close(r.f(), {-3.2});
}

TEST(KernelsLoss, NllIgnoreIndex) {
  // target 2 is ignored: loss 0 there, and the mean counts only the other element.
  auto r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0})}, loss_attrs("none", 2));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {0, -4});
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0})}, loss_attrs("mean", 2));
  expect_close(r.f(), {-4});
  // With a weight: -0.5 * 4 / 0.5.
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0}), f32({3}, {0.5f, 1, 2})},
          loss_attrs("mean", 2));
  expect_close(r.f(), {-4});
  // A negative ignore_index may mark targets outside [0, C).
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {-1, 1})}, loss_attrs("sum", -1));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-5});
  // Every element ignored: mean is 0 / 0.
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {1, 1})}, loss_attrs("mean", 1));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {NAN});
  // Without has_ignore_index, ignore_index has no effect.
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {2, 0})},
          attrs({{"reduction", std::string("sum")}, {"ignore_index", int64_t{2}}}));
  expect_close(r.f(), {-7});
}

TEST(KernelsLoss, NllSpatialI32TargetAndF64) {
  // x [1, 2, 2]: class 0 = [1, 2], class 1 = [3, 4] over d; target [[1, 0]] -> [-3, -2].
  auto r = run(OpKind::NegativeLogLikelihoodLoss, {f32({1, 2, 2}, {1, 2, 3, 4}), i32({1, 2}, {1, 0})},
               loss_attrs("none"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 2}}));
  expect_close(r.f(), {-3, -2});
  r = run(OpKind::NegativeLogLikelihoodLoss, {f64({1, 2, 2}, {1, 2, 3, 4}), i64({1, 2}, {1, 0})},
          loss_attrs("mean"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f64, {}}));
  EXPECT_DOUBLE_EQ(r.d().at(0), -2.5);
}

TEST(KernelsLoss, NllErrors) {
  auto r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {3, 0})}, loss_attrs("none"));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "target value 3");
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {-1, 0})}, loss_attrs("none", 5));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "target value -1");
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {0, 0})}, loss_attrs("max"));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "reduction");
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({3}, {0, 0, 0})}, loss_attrs("none"));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "without dimension 1");
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), i64({2}, {0, 0}), f32({2}, {1, 1})}, loss_attrs("none"));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "weight");
  r = run(OpKind::NegativeLogLikelihoodLoss, {nll_x(), f32({2}, {0, 0})}, loss_attrs("none"));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "i32 or i64");
  r = run(OpKind::NegativeLogLikelihoodLoss, {f32({3}, {1, 2, 3}), i64({}, {0})}, loss_attrs("none"));
  expect_error(r.error, "NegativeLogLikelihoodLoss", "rank >= 2");
}

// ---- SoftmaxCrossEntropyLoss ------------------------------------------------------------

TEST(KernelsLoss, SceReductionsAndWeight) {
  // Row [0, ln 3] has softmax [1/4, 3/4]: target 0 costs ln 4, target 1 costs ln(4/3).
  double l3 = std::log(3.0);
  Tensor x = f64({2, 2}, {0, l3, 0, l3});
  auto r = run(OpKind::SoftmaxCrossEntropyLoss, {x, i64({2}, {0, 1})}, loss_attrs("none"));
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.d().size(), 2u);
  EXPECT_NEAR(r.d()[0], std::log(4.0), 1e-12);
  EXPECT_NEAR(r.d()[1], std::log(4.0 / 3.0), 1e-12);
  r = run(OpKind::SoftmaxCrossEntropyLoss, {x, i64({2}, {0, 1})});  // mean
  EXPECT_NEAR(r.d().at(0), (std::log(4.0) + std::log(4.0 / 3.0)) / 2, 1e-12);
  // weight [2, 1]: (2 ln 4 + ln(4/3)) / 3.
  r = run(OpKind::SoftmaxCrossEntropyLoss, {x, i64({2}, {0, 1}), f64({2}, {2, 1})}, loss_attrs("mean"));
  EXPECT_NEAR(r.d().at(0), (2 * std::log(4.0) + std::log(4.0 / 3.0)) / 3, 1e-12);
  r = run(OpKind::SoftmaxCrossEntropyLoss, {x, i64({2}, {0, 1}), f64({2}, {2, 1})}, loss_attrs("sum"));
  EXPECT_NEAR(r.d().at(0), 2 * std::log(4.0) + std::log(4.0 / 3.0), 1e-12);
}

TEST(KernelsLoss, SceSpatialIgnoreAndLargeScores) {
  // x [1, 3, 2]: d = 0 has equal scores (each class costs ln 3); d = 1 is [1000, 1000, -inf-ish]
  // where classes 0 and 1 cost ln 2 (the max is subtracted before exp, so nothing overflows).
  auto r = run(OpKind::SoftmaxCrossEntropyLoss,
               {f32({1, 3, 2}, {0, 1000, 0, 1000, 0, -1000}), i32({1, 2}, {2, 1})}, loss_attrs("none"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 2}}));
  expect_close(r.f(), {std::log(3.0), std::log(2.0)});
  r = run(OpKind::SoftmaxCrossEntropyLoss, {f32({1, 3, 2}, {0, 1000, 0, 1000, 0, -1000}), i32({1, 2}, {2, 1})},
          loss_attrs("mean", 2));
  expect_close(r.f(), {std::log(2.0)});
  r = run(OpKind::SoftmaxCrossEntropyLoss, {f32({1, 3, 2}, {0, 1000, 0, 1000, 0, -1000}), i32({1, 2}, {2, 3})},
          loss_attrs("mean"));
  expect_error(r.error, "SoftmaxCrossEntropyLoss", "target value 3");
}

TEST(KernelsLoss, SceLogProbIsLogSoftmaxOverClasses) {
  // The ONNX importer produces SoftmaxCrossEntropyLoss's log_prob output with LogSoftmax
  // over axis 1. x [1, 2, 2]: position 0 has scores {0, ln 3} -> log_prob {ln 1/4, ln 3/4};
  // position 1 has {5, 5} -> {ln 1/2, ln 1/2}. The "none" loss is -log_prob[n, target, d].
  double l3 = std::log(3.0);
  Tensor x = f64({1, 2, 2}, {0, 5, l3, 5});
  auto lp = run(OpKind::LogSoftmax, {x}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(lp.error, "");
  EXPECT_EQ(lp.type(), (TensorType{DType::f64, {1, 2, 2}}));
  std::vector<double> want = {std::log(0.25), std::log(0.5), std::log(0.75), std::log(0.5)};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(lp.d().at(i), want[i], 1e-12) << i;
  auto loss = run(OpKind::SoftmaxCrossEntropyLoss, {x, i64({1, 2}, {1, 0})}, loss_attrs("none"));
  ASSERT_EQ(loss.error, "");
  EXPECT_NEAR(loss.d().at(0), -lp.d().at(2), 1e-12);
  EXPECT_NEAR(loss.d().at(1), -lp.d().at(1), 1e-12);
}

// ---- LpNormalization ---------------------------------------------------------------------

TEST(KernelsLoss, LpNormalizationP2AndP1) {
  // Rows [3, 4] and [6, 8] have L2 norms 5 and 10.
  auto r = run(OpKind::LpNormalization, {f32({2, 2}, {3, 4, 6, 8})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {2, 2}}));
  expect_close(r.f(), {0.6, 0.8, 0.6, 0.8});
  // p = 1 over axis 0: columns [3, 6] and [4, 8] have L1 norms 9 and 12.
  r = run(OpKind::LpNormalization, {f64({2, 2}, {3, 4, 6, 8})}, attrs({{"axis", int64_t{0}}, {"p", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  auto d = r.d();
  ASSERT_EQ(d.size(), 4u);
  EXPECT_NEAR(d[0], 1.0 / 3, 1e-15);
  EXPECT_NEAR(d[1], 1.0 / 3, 1e-15);
  EXPECT_NEAR(d[2], 2.0 / 3, 1e-15);
  EXPECT_NEAR(d[3], 2.0 / 3, 1e-15);
  // The L1 norm sums absolute values: [-1, 3] / 4.
  r = run(OpKind::LpNormalization, {f32({1, 2}, {-1, 3})}, attrs({{"p", int64_t{1}}}));
  expect_close(r.f(), {-0.25, 0.75});
  // Middle axis of [1, 2, 2]: pairs (1, 3) -> norm sqrt(10), (2, 4) -> sqrt(20); zero norm -> NaN.
  r = run(OpKind::LpNormalization, {f32({1, 2, 2}, {1, 2, 3, 4})}, attrs({{"axis", int64_t{1}}}));
  expect_close(r.f(), {1 / std::sqrt(10.0), 2 / std::sqrt(20.0), 3 / std::sqrt(10.0), 4 / std::sqrt(20.0)});
  r = run(OpKind::LpNormalization, {f32({2}, {0, 0})});
  expect_close(r.f(), {NAN, NAN});
}

TEST(KernelsLoss, LpNormalizationErrors) {
  auto r = run(OpKind::LpNormalization, {f32({2}, {1, 2})}, attrs({{"p", int64_t{3}}}));
  expect_error(r.error, "LpNormalization", "p must be 1 or 2");
  r = run(OpKind::LpNormalization, {f32({2}, {1, 2})}, attrs({{"axis", int64_t{1}}}));
  expect_error(r.error, "LpNormalization", "axis 1");
  r = run(OpKind::LpNormalization, {i64({2}, {1, 2})});
  EXPECT_NE(r.error, "");
}

}  // namespace
