// kernels_batch_norm_training_test.cc - BatchNormalizationTraining
// (ops/batch_norm_training.toml). Batch statistics are computed by hand in the comments.
#include "kernel_harness.h"

namespace halo_test {
namespace {

TEST(KernelsBatchNormTraining, BatchStatisticsAndRunningUpdate) {
  // X [2, 2, 2]: channel 0 holds 1, 3 (n = 0) and 5, 7 (n = 1): mean 4, variance
  // (9 + 1 + 1 + 9) / 4 = 5. Channel 1 holds 2, 2, 2, 2: mean 2, variance 0.
  Result r = run(OpKind::BatchNormalizationTraining,
                 {f32({2, 2, 2}, {1, 3, 2, 2, 5, 7, 2, 2}), f32({2}, {2, 1}), f32({2}, {0.5f, -1}), f32({2}, {10, 0}),
                  f32({2}, {1, 3})},
                 attrs({{"epsilon", 1e-5}, {"momentum", 0.75}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(0), (Dims{2, 2, 2}));
  EXPECT_EQ(r.dims(1), (Dims{2}));
  EXPECT_EQ(r.dims(2), (Dims{2}));
  double s0 = 2 / std::sqrt(5 + 1e-5);
  // Channel 0: 2 * (x - 4) / sqrt(5 + eps) + 0.5; channel 1: (2 - 2) * ... - 1 = -1.
  expect_close(r.f(0), {-3 * s0 + 0.5, -1 * s0 + 0.5, -1, -1, 1 * s0 + 0.5, 3 * s0 + 0.5, -1, -1});
  // running = given * 0.75 + batch * 0.25.
  expect_close(r.f(1), {10 * 0.75 + 4 * 0.25, 0 * 0.75 + 2 * 0.25});
  expect_close(r.f(2), {1 * 0.75 + 5 * 0.25, 3 * 0.75 + 0 * 0.25});
}

TEST(KernelsBatchNormTraining, StatisticsMustMatchTheChannels) {
  std::vector<TensorType> outs;
  TensorType x{DType::f32, {2, 3, 4}}, c3{DType::f32, {3}}, c2{DType::f32, {2}};
  expect_error(infer(OpKind::BatchNormalizationTraining, {x, c3, c3, c2, c3}, {}, outs), "BatchNormalizationTraining",
               "input_mean");
}

}  // namespace
}  // namespace halo_test
