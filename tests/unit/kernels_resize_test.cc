// kernels_resize_test.cc - the resize family's reference semantics (ops/resize.toml).
//
// Expected values are worked out by hand from the ONNX Resize definition (the source
// coordinate of each output element, then the weights of its neighbours), or follow from
// an exact property written in the test (cubic convolution with A = -0.5 reproduces a
// linear ramp away from the edges).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using F = std::vector<float>;

void expect_near(const F& got, const F& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << "element " << i;
}

TEST(KernelsResize, NearestAsymmetricFloorRepeats) {
  // x_ori = i / 2 = 0, 0.5, 1, 1.5 -> floor 0, 0, 1, 1 (Upsample's semantics).
  Result r = run(OpKind::Resize, {f32({2}, {1, 2})},
                 attrs({{"sizes", Dims{4}}, {"coordinate_transformation_mode", std::string("asymmetric")},
                        {"nearest_mode", std::string("floor")}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{4}));
  EXPECT_EQ(r.f(), (F{1, 1, 2, 2}));
}

TEST(KernelsResize, NearestTwoDimensionsF64) {
  // [2,2] -> [4,4], half_pixel, round_prefer_floor: x_ori = -0.25, 0.25, 0.75, 1.25 -> 0, 0, 1, 1.
  Result r = run(OpKind::Resize, {f64({2, 2}, {1, 2, 3, 4})}, attrs({{"sizes", Dims{4, 4}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.d(), (std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(KernelsResize, LinearHalfPixelClampsAtEdges) {
  // x_ori = -0.25, 0.25, 0.75, 1.25; neighbours beyond the edge repeat the edge value.
  Result r = run(OpKind::Resize, {f32({2}, {1, 3})},
                 attrs({{"sizes", Dims{4}}, {"mode", std::string("linear")}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), F{1, 1.5, 2.5, 3});
}

TEST(KernelsResize, LinearAlignCorners) {
  Result r = run(OpKind::Resize, {f32({1, 2}, {1, 3})},
                 attrs({{"sizes", Dims{1, 3}}, {"mode", std::string("linear")},
                        {"coordinate_transformation_mode", std::string("align_corners")}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), F{1, 2, 3});
}

TEST(KernelsResize, ExplicitScaleDrivesTheTransform) {
  // sizes 2 from scale 0.7 (floor(3 * 0.7)); asymmetric x_ori(1) = 1 / 0.7, not 1 / (2/3).
  Result r = run(OpKind::Resize, {f32({3}, {0, 1, 2})},
                 attrs({{"sizes", Dims{2}}, {"scale0", 0.7}, {"mode", std::string("linear")},
                        {"coordinate_transformation_mode", std::string("asymmetric")}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), F{0, static_cast<float>(1 / 0.7)});
  Result d = run(OpKind::Resize, {f32({3}, {0, 1, 2})},
                 attrs({{"sizes", Dims{2}}, {"mode", std::string("linear")},
                        {"coordinate_transformation_mode", std::string("asymmetric")}}));
  ASSERT_EQ(d.error, "");
  expect_near(d.f(), F{0, 1.5});
}

TEST(KernelsResize, CubicReproducesARampInside) {
  // Keys' cubic with A = -0.5 reproduces polynomials up to degree 2, so on a ramp every
  // output whose four neighbours lie inside equals its source coordinate i / 2.
  F x;
  for (int i = 0; i < 8; ++i) x.push_back(static_cast<float>(i));
  Result r = run(OpKind::Resize, {f32({8}, x)},
                 attrs({{"sizes", Dims{16}}, {"mode", std::string("cubic")}, {"cubic_coeff_a", -0.5},
                        {"coordinate_transformation_mode", std::string("asymmetric")}}));
  ASSERT_EQ(r.error, "");
  F y = r.f();
  for (int i = 3; i <= 11; ++i) EXPECT_NEAR(y[i], i / 2.0, 1e-5) << i;
  EXPECT_EQ(y[0], 0.0f);
}

TEST(KernelsResize, TfCropAndResizeExtrapolates) {
  // roi [0.5, 1.5] of extent 4: x_ori = 1.5 + i * 1.5 = 1.5, 3, 4.5 (outside -> 10).
  Result r = run(OpKind::Resize, {f32({4}, {0, 1, 2, 3})},
                 attrs({{"sizes", Dims{3}}, {"mode", std::string("linear")},
                        {"coordinate_transformation_mode", std::string("tf_crop_and_resize")},
                        {"roi_start0", 0.5}, {"roi_end0", 1.5}, {"extrapolation_value", 10.0}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), F{1.5, 3, 10});
}

TEST(KernelsResize, LinearAntialiasWidensTheFilter) {
  // Scale 0.5: triangle of half-width 2 input pixels, taps at offsets -1..2 around
  // x_ori = 0.5 and 2.5 with weights 1/8, 3/8, 3/8, 1/8 (edge-clamped).
  Result r = run(OpKind::Resize, {f32({4}, {0, 1, 2, 3})},
                 attrs({{"sizes", Dims{2}}, {"mode", std::string("linear")}, {"antialias", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), F{0.625, 2.375});
}

TEST(KernelsResize, ExcludeOutsideRenormalizes) {
  // Cubic, A = -0.75, asymmetric, x_ori = 0 at output 0 is exact: 1 * x[0]. At output 1
  // (x_ori = 0.5) the tap at -1 is dropped: weights k(1.5), k(0.5), k(0.5), k(1.5) with
  // k(0.5) = 0.59375 and k(1.5) = -0.09375; without the first, the sum is 1.09375.
  Result r = run(OpKind::Resize, {f32({3}, {1, 2, 4})},
                 attrs({{"sizes", Dims{6}}, {"mode", std::string("cubic")}, {"exclude_outside", int64_t{1}},
                        {"coordinate_transformation_mode", std::string("asymmetric")}}));
  ASSERT_EQ(r.error, "");
  double want1 = (0.59375 * 1 + 0.59375 * 2 - 0.09375 * 4) / 1.09375;
  EXPECT_NEAR(r.f()[0], 1.0, 1e-6);
  EXPECT_NEAR(r.f()[1], want1, 1e-6);
}

TEST(KernelsResize, RejectsBadAttributes) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::Resize, {TensorType{DType::f32, {2, 3}}}, attrs({{"sizes", Dims{4}}}), outs),
               "Resize", "one entry per dimension");
  expect_error(infer(OpKind::Resize, {TensorType{DType::f32, {2}}},
                     attrs({{"sizes", Dims{4}}, {"mode", std::string("bilinear")}}), outs),
               "Resize", "mode");
  expect_error(infer(OpKind::Resize, {TensorType{DType::f32, {2}}},
                     attrs({{"sizes", Dims{4}}, {"antialias", int64_t{1}}}), outs),
               "Resize", "antialias");
  expect_error(infer(OpKind::Resize, {TensorType{DType::f32, {2}}}, attrs({{"sizes", Dims{-1}}}), outs),
               "Resize", "negative");
  expect_error(infer(OpKind::Resize, {TensorType{DType::f32, {1, 1, 1, 1, 1, 1, 1}}},
                     attrs({{"sizes", Dims{1, 1, 1, 1, 1, 1, 1}}}), outs),
               "Resize", "rank");
  expect_error(run(OpKind::Resize, {i32({2}, {1, 2})}, attrs({{"sizes", Dims{4}}})).error, "Resize");
}

}  // namespace
