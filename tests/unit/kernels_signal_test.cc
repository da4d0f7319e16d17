// kernels_signal_test.cc - the signal family's reference semantics (ops/signal.toml).
//
// Expected values are worked out by hand: window formulas at points where the cosines
// are 0 or +-1, four-point DFTs (X[k] = sum x[n] (-i)^(kn)), and a mel filter bank whose
// edges fall on whole spectrum bins.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using D = std::vector<double>;

AttrMap window(int64_t length, int64_t periodic = 1, const char* dtype = "f32") {
  return attrs({{"length", length}, {"periodic", periodic}, {"dtype", std::string(dtype)}});
}

TEST(KernelsSignal, HannPeriodicAndSymmetric) {
  // periodic: sin^2(pi n / 4) = 0, 1/2, 1, 1/2; symmetric length 5 uses N - 1 = 4 too.
  Result r = run(OpKind::HannWindow, {i64({}, {4})}, window(4));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{4}));
  expect_close(r.f(), D{0, 0.5, 1, 0.5});
  r = run(OpKind::HannWindow, {i32({}, {5})}, window(5, 0));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{0, 0.5, 1, 0.5, 0});
}

TEST(KernelsSignal, HammingPeriodicF64) {
  // 25/46 - 21/46 cos(pi n / 2): cos = 1, 0, -1, 0.
  Result r = run(OpKind::HammingWindow, {i64({}, {4})}, window(4, 1, "f64"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::f64);
  std::vector<double> got = r.d();
  D want{4.0 / 46, 25.0 / 46, 1.0, 25.0 / 46};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-15);
}

TEST(KernelsSignal, BlackmanSymmetricAndLengthOne) {
  // N - 1 = 2: cos(pi n) = 1, -1, 1 -> 0.42 - 0.5 + 0.08 = 0 and 0.42 + 0.5 + 0.08 = 1.
  Result r = run(OpKind::BlackmanWindow, {i64({1}, {3})}, window(3, 0));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{0, 1, 0}, 1e-6);
  // A symmetric window of one point is [1] (no division by zero).
  r = run(OpKind::BlackmanWindow, {i64({}, {1})}, window(1, 0));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{1});
}

TEST(KernelsSignal, WindowRejectsBadSizeOperands) {
  expect_error(run(OpKind::HannWindow, {i64({}, {5})}, window(4)).error, "HannWindow", "built for 4");
  expect_error(run(OpKind::HannWindow, {i64({2}, {4, 4})}, window(4)).error, "HannWindow", "scalar");
  expect_error(run(OpKind::HannWindow, {i64({}, {4})}, window(4, 1, "i32")).error, "HannWindow", "dtype");
  expect_error(run(OpKind::HannWindow, {i64({}, {-1})}, window(-1)).error, "HannWindow", "length");
}

TEST(KernelsSignal, DftRealInput) {
  // x = 1, 2, 3, 4: X = 10, -2+2i, -2, -2-2i.
  Result r = run(OpKind::DFT, {f32({1, 4, 1}, {1, 2, 3, 4})}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 4, 2}));
  expect_close(r.f(), D{10, 0, -2, 2, -2, 0, -2, -2}, 1e-6);
  // onesided keeps bins 0 .. 4/2; axis -2 is the same axis.
  r = run(OpKind::DFT, {f32({1, 4, 1}, {1, 2, 3, 4})}, attrs({{"onesided", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 3, 2}));
  expect_close(r.f(), D{10, 0, -2, 2, -2, 0}, 1e-6);
}

TEST(KernelsSignal, DftLengthTruncatesAndPads) {
  // dft_length 2 keeps 1, 2: X = 3, -1. dft_length 3 pads 1 with zeros: X = 1, 1, 1.
  Result r = run(OpKind::DFT, {f64({4, 1}, {1, 2, 3, 4})}, attrs({{"axis", int64_t{0}}, {"dft_length", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2, 2}));
  std::vector<double> got = r.d();
  D want{3, 0, -1, 0};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-15);
  r = run(OpKind::DFT, {f64({1, 1}, {1})}, attrs({{"axis", int64_t{0}}, {"dft_length", int64_t{3}}}));
  ASSERT_EQ(r.error, "");
  got = r.d();
  want = {1, 0, 1, 0, 1, 0};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-15);
}

TEST(KernelsSignal, DftInverseOfComplexInputAlongInnerAxis) {
  // Two columns (axis 0 of [4, 2, 2]): the spectrum of 1, 2, 3, 4 and of 1, 0, 0, 0
  // (which is 1 at every bin); the inverse gives the signals back.
  Result r = run(OpKind::DFT,
                 {f32({4, 2, 2}, {10, 0, 1, 0, -2, 2, 1, 0, -2, 0, 1, 0, -2, -2, 1, 0})},
                 attrs({{"axis", int64_t{0}}, {"inverse", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{4, 2, 2}));
  expect_close(r.f(), D{1, 0, 1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0}, 1e-6);
}

TEST(KernelsSignal, DftRejectsBadAxesAndLastDimensions) {
  expect_error(run(OpKind::DFT, {f32({1, 4, 1}, {1, 2, 3, 4})}, attrs({{"axis", int64_t{2}}})).error, "DFT", "axis");
  expect_error(run(OpKind::DFT, {f32({1, 4, 1}, {1, 2, 3, 4})}, attrs({{"axis", int64_t{-1}}})).error, "DFT", "axis");
  expect_error(run(OpKind::DFT, {f32({1, 1, 3}, {1, 2, 3})}).error, "DFT", "last dimension");
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::DFT, {TensorType{DType::f32, {4}}}, {}, outs), "DFT", "rank");
}

TEST(KernelsSignal, StftFramesWithAndWithoutWindow) {
  // Frames of 2 every 2 samples of 1, 2, 3, 4: [1, 2] -> 3, -1 and [3, 4] -> 7, -1.
  Tensor x = f32({1, 4, 1}, {1, 2, 3, 4});
  Result r = run(OpKind::STFT, {x}, attrs({{"frame_step", int64_t{2}}, {"frame_length", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 2, 2}));
  expect_close(r.f(), D{3, 0, -1, 0, 7, 0, -1, 0}, 1e-6);
  // Window [1, 0] keeps the first sample of each frame: 1, 1 and 3, 3.
  r = run(OpKind::STFT, {x, f32({2}, {1, 0})}, attrs({{"frame_step", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{1, 0, 1, 0, 3, 0, 3, 0}, 1e-6);
  // Two-sided, step 1: three frames of 3 samples -> [1, 3, 3, 2].
  r = run(OpKind::STFT, {x}, attrs({{"frame_step", int64_t{1}}, {"frame_length", int64_t{3}}, {"onesided", int64_t{0}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 3, 2}));
}

TEST(KernelsSignal, StftRejectsMismatchedWindow) {
  Tensor x = f32({1, 4, 1}, {1, 2, 3, 4});
  expect_error(run(OpKind::STFT, {x, f32({3}, {1, 1, 1})}, attrs({{"frame_step", int64_t{1}}, {"frame_length", int64_t{2}}})).error,
               "STFT", "window");
  expect_error(run(OpKind::STFT, {x}, attrs({{"frame_step", int64_t{0}}})).error, "STFT", "frame_step");
  expect_error(run(OpKind::STFT, {x}, attrs({{"frame_step", int64_t{1}}, {"frame_length", int64_t{5}}})).error, "STFT",
               "frame_length");
}

TEST(KernelsSignal, MelWeightMatrixTriangle) {
  // One mel bin, dft_length 8 (5 spectrum bins), sample_rate 9: bin = floor(hz). The
  // three edges are 0, 1/3 and 2/3 of the way from 0 to 6.6 Hz in mel, which at such low
  // frequencies is nearly linear: about 0, 2.2 and 4.4 Hz -> bins 0, 2, 4. The triangle
  // rises 0, 1/2, 1 and falls 1/2, 0.
  Result r = run(OpKind::MelWeightMatrix, {f32({}, {0.0f}), f32({}, {6.6f}), i64({}, {9})},
                 attrs({{"num_mel_bins", int64_t{1}}, {"dft_length", int64_t{8}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{5, 1}));
  expect_close(r.f(), D{0, 0.5, 1, 0.5, 0});
}

TEST(KernelsSignal, MelWeightMatrixRejectsEdgesBeyondNyquist) {
  // 100 Hz at sample_rate 9 maps past the last spectrum bin.
  expect_error(run(OpKind::MelWeightMatrix, {f32({}, {0.0f}), f32({}, {100.0f}), i64({}, {9})},
                   attrs({{"num_mel_bins", int64_t{1}}, {"dft_length", int64_t{8}}}))
                   .error,
               "MelWeightMatrix", "outside");
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::MelWeightMatrix,
                     {TensorType{DType::f32, {}}, TensorType{DType::f64, {}}, TensorType{DType::i64, {}}},
                     attrs({{"num_mel_bins", int64_t{1}}, {"dft_length", int64_t{8}}}), outs),
               "MelWeightMatrix", "one type");
}

}  // namespace
