// kernels_dropout_test.cc - Dropout with its mask (ops/dropout.toml). The training-mode
// draws are checked against NumPy's RandomState(seed).uniform(0, 1, n), whose first
// values are written here: seed 0 gives 0.5488135, 0.7151894, 0.6027634, 0.5448832,
// 0.4236548, 0.6458941; seed 7 gives 0.0763083, 0.7799188, 0.4384092.
#include "kernel_harness.h"

namespace halo_test {
namespace {

using U8 = std::vector<uint8_t>;

TEST(KernelsDropout, InferenceIsIdentityWithAllTrueMask) {
  for (int64_t training : {0, 1}) {
    // training_mode = 0, or training with ratio 0: nothing is dropped.
    double ratio = training ? 0.0 : 0.5;
    Result r = run(OpKind::Dropout, {f32({2, 2}, {1, -2, 3, 4})},
                   attrs({{"ratio", ratio}, {"training_mode", training}}));
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.f(0), (std::vector<float>{1, -2, 3, 4}));
    EXPECT_EQ(r.type(1).dtype, DType::boolean);
    EXPECT_EQ(r.dims(1), (Dims{2, 2}));
    EXPECT_EQ(r.get<uint8_t>(1), (U8{1, 1, 1, 1}));
  }
}

TEST(KernelsDropout, TrainingFollowsTheSeededDraws) {
  // ratio 0.6, seed 0: kept where the draw is >= 0.6 (elements 1, 2 and 5), scaled by 2.5.
  Result r = run(OpKind::Dropout, {f32({2, 3}, {1, 2, 3, 4, 5, 6})},
                 attrs({{"ratio", 0.6}, {"training_mode", int64_t{1}}, {"seed", int64_t{0}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(1), (U8{0, 1, 1, 0, 0, 1}));
  expect_close(r.f(0), {0, 5, 7.5, 0, 0, 15});
  // seed 7, ratio 0.5, f64: only the second draw (0.78) keeps its element, scaled by 2.
  Result s = run(OpKind::Dropout, {f64({3}, {1, 2, 3})},
                 attrs({{"ratio", 0.5}, {"training_mode", int64_t{1}}, {"seed", int64_t{7}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.get<uint8_t>(1), (U8{0, 1, 0}));
  EXPECT_EQ(s.d(0), (std::vector<double>{0, 4, 0}));
}

TEST(KernelsDropout, TrainingRatioMustBeBelowOne) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::Dropout, {TensorType{DType::f32, {2}}}, attrs({{"ratio", 1.0}, {"training_mode", int64_t{1}}}),
                     outs),
               "Dropout", "ratio");
  EXPECT_EQ(infer(OpKind::Dropout, {TensorType{DType::f32, {2}}}, attrs({{"ratio", 1.0}}), outs), "");
}

}  // namespace
}  // namespace halo_test
