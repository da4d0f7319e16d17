// kernels_sampling_test.cc - the sampling family's reference semantics (ops/sampling.toml).
//
// Expected values are worked out by hand from the ONNX definitions: the pixel
// coordinate a normalized grid value denotes, then the interpolation weights there.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using F = std::vector<float>;
using D = std::vector<double>;

AttrMap gs(const std::string& mode, const std::string& padding, bool align) {
  return attrs({{"mode", mode}, {"padding_mode", padding}, {"align_corners", int64_t{align}}});
}

TEST(KernelsGridSample, LinearAlignCornersCentreAndCorners) {
  // align_corners: -1 and 1 are the centres of the edge pixels; (0, 0) is the middle.
  Result r = run(OpKind::GridSample, {f32({1, 1, 2, 2}, {1, 2, 3, 4}), f32({1, 1, 3, 2}, {0, 0, -1, -1, 1, -1})},
                 gs("linear", "zeros", true));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 1, 3}));
  // (x=1, y=-1) is column 1 of row 0.
  expect_close(r.f(), D{2.5, 1, 2});
}

TEST(KernelsGridSample, PaddingModesAtTheOuterCorner) {
  // Without align_corners, -1 is the outer edge: pixel coordinate -0.5 on both axes, so
  // half of each axis' weight falls on the pixel before the first one.
  auto at_corner = [](const std::string& padding) {
    return run(OpKind::GridSample, {f32({1, 1, 2, 2}, {1, 2, 3, 4}), f32({1, 1, 1, 2}, {-1, -1})},
               gs("linear", padding, false));
  };
  Result zeros = at_corner("zeros"), border = at_corner("border"), reflection = at_corner("reflection");
  ASSERT_EQ(zeros.error, "");
  ASSERT_EQ(border.error, "");
  ASSERT_EQ(reflection.error, "");
  expect_close(zeros.f(), D{0.25 * 1});  // only pixel (0, 0), with weight 0.5 * 0.5
  expect_close(border.f(), D{1});        // clamped to the centre of pixel (0, 0)
  expect_close(reflection.f(), D{1});    // pixel -1 mirrors onto pixel 0
}

TEST(KernelsGridSample, ReflectionFoldsFarCoordinates) {
  // Width 3 without align_corners spans [-0.5, 2.5]; x = 2 -> pixel (3*3-1)/2 = 4, which
  // mirrors at 2.5 to 1.
  Result r = run(OpKind::GridSample, {f32({1, 1, 1, 3}, {10, 20, 30}), f32({1, 1, 1, 2}, {2, 0})},
                 gs("linear", "reflection", false));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{20});
}

TEST(KernelsGridSample, NearestRoundsHalfToEven) {
  // Width 4: x = -0.5 -> pixel 0.5 -> 0; x = 0 -> pixel 1.5 -> 2; height 1: y = 0 -> row 0.
  Result r = run(OpKind::GridSample, {f32({1, 1, 1, 4}, {10, 20, 30, 40}), f32({1, 1, 2, 2}, {-0.5f, 0, 0, 0})},
                 gs("nearest", "zeros", false));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{10, 30}));
}

TEST(KernelsGridSample, CubicHalfwayUsesKeysWeights) {
  // align_corners, width 4: x = 0 -> pixel 1.5, taps 0..3 with the Keys kernel (a = -0.75)
  // at distances 1.5, 0.5, 0.5, 1.5.
  auto keys = [](double t) {
    const double a = -0.75;
    t = std::fabs(t);
    if (t <= 1) return (a + 2) * t * t * t - (a + 3) * t * t + 1;
    return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a;
  };
  double want = keys(1.5) * 1 + keys(0.5) * 2 + keys(0.5) * 4 + keys(1.5) * 8;
  Result r = run(OpKind::GridSample, {f64({1, 1, 1, 4}, {1, 2, 4, 8}), f64({1, 1, 1, 2}, {0, 0})},
                 gs("cubic", "zeros", true));
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.d().size(), 1u);
  EXPECT_NEAR(r.d()[0], want, 1e-12);
}

TEST(KernelsGridSample, VolumetricAndChannels) {
  // X [1, 2, 2, 2, 2]: channel 0 holds 0..7, channel 1 the same plus 100. The grid's
  // components are (x, y, z): (1, -1, -1) is d=0, h=0, w=1.
  std::vector<float> xv;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 8; ++i) xv.push_back(static_cast<float>(i + 100 * c));
  Result r = run(OpKind::GridSample, {f32({1, 2, 2, 2, 2}, xv), f32({1, 1, 1, 2, 3}, {0, 0, 0, 1, -1, -1})},
                 gs("linear", "zeros", true));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 1, 1, 2}));
  expect_close(r.f(), D{3.5, 1, 103.5, 101});
}

TEST(KernelsGridSample, RejectsBadGrids) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::GridSample, {{DType::f32, {1, 1, 2, 2}}, {DType::f32, {1, 3, 3, 3}}}, {}, outs),
               "GridSample", "last extent");
  expect_error(infer(OpKind::GridSample, {{DType::f32, {1, 1, 2, 2}}, {DType::f32, {2, 3, 3, 2}}}, {}, outs),
               "GridSample", "batch");
  expect_error(infer(OpKind::GridSample, {{DType::f32, {1, 1, 2, 2}}, {DType::f32, {1, 3, 3, 2}}},
                     attrs({{"mode", std::string("bilinear")}}), outs),
               "GridSample", "mode");
  expect_error(infer(OpKind::GridSample, {{DType::f32, {1, 1, 0, 2}}, {DType::f32, {1, 3, 3, 2}}}, {}, outs),
               "GridSample", "empty");
}

// X [1, 1, 4, 4] holding 4 * y + x: bilinear interpolation reproduces it exactly, so an
// average of samples is its value at the samples' mean position.
Tensor ramp() {
  std::vector<float> v;
  for (int i = 0; i < 16; ++i) v.push_back(static_cast<float>(i));
  return f32({1, 1, 4, 4}, v);
}

AttrMap roi(const std::string& ctm, const std::string& mode, int64_t ratio, double scale = 1.0) {
  return attrs({{"coordinate_transformation_mode", ctm}, {"mode", mode}, {"sampling_ratio", ratio},
                {"spatial_scale", scale}});
}

TEST(KernelsRoiAlign, AverageOfSamplesBothTransforms) {
  // Region (0,0)-(2,2), one 2x2 bin, 2x2 samples: at 0.5 and 1.5 on each axis (mean 1,
  // value 5); half_pixel shifts the region by -0.5 (samples 0 and 1, mean 0.5, value 2.5).
  Result a = run(OpKind::RoiAlign, {ramp(), f32({1, 4}, {0, 0, 2, 2}), i64({1}, {0})}, roi("output_half_pixel", "avg", 2));
  Result b = run(OpKind::RoiAlign, {ramp(), f32({1, 4}, {0, 0, 2, 2}), i64({1}, {0})}, roi("half_pixel", "avg", 2));
  ASSERT_EQ(a.error, "");
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(a.dims(), (Dims{1, 1, 1, 1}));
  expect_close(a.f(), D{5});
  expect_close(b.f(), D{2.5});
}

TEST(KernelsRoiAlign, BinsAndEdges) {
  // Region (0,0)-(4,2) in 1x2 bins of 2x2 pixels, 1 sample each: (x, y) = (1, 1) and
  // (3, 1). Region (3,3)-(5,5) has 1x2 bins of 2 rows and 1 column: samples (3.5, 4),
  // moved onto the edge pixel (3, 3), and (4.5, 4), beyond the image's
  // right edge (x > width), so it reads nothing; a region far outside reads nothing.
  Result r = run(OpKind::RoiAlign, {ramp(), f32({3, 4}, {0, 0, 4, 2, 3, 3, 5, 5, 10, 10, 12, 12}), i64({3}, {0, 0, 0})},
                 [] {
                   AttrMap a = roi("output_half_pixel", "avg", 1);
                   a.set("output_width", int64_t{2});
                   return a;
                 }());
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{3, 1, 1, 2}));
  expect_close(r.f(), D{4 + 1, 4 + 3, 15, 0, 0, 0});
}

TEST(KernelsRoiAlign, MaxTakesTheLargestWeightedCorner) {
  // One sample at (0.5, 0.5): corners 0, 1, 4, 5 with weight 0.25 each.
  Result r = run(OpKind::RoiAlign, {ramp(), f32({1, 4}, {0, 0, 1, 1}), i64({1}, {0})}, roi("output_half_pixel", "max", 1));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{0.25 * 5});
}

TEST(KernelsRoiAlign, BatchIndexAndSpatialScale) {
  // Region (0,0)-(2,2) at scale 0.5 is (0,0)-(1,1) of image 1: one sample at its centre.
  Result r = run(OpKind::RoiAlign,
                 {f64({2, 1, 2, 2}, {0, 0, 0, 0, 10, 20, 30, 40}), f64({1, 4}, {0, 0, 2, 2}), i32({1}, {1})},
                 roi("output_half_pixel", "avg", 1, 0.5));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.d(), (D{25}));
}

TEST(KernelsRoiAlign, RejectsBadRegions) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::RoiAlign, {{DType::f32, {1, 1, 4, 4}}, {DType::f32, {2, 4}}, {DType::i64, {3}}}, {}, outs),
               "RoiAlign", "num_rois");
  expect_error(infer(OpKind::RoiAlign, {{DType::f32, {1, 1, 4, 4}}, {DType::f32, {2, 5}}, {DType::i64, {2}}}, {}, outs),
               "RoiAlign", "[num_rois, 4]");
  expect_error(infer(OpKind::RoiAlign, {{DType::f32, {1, 1, 4, 4}}, {DType::f32, {2, 4}}, {DType::f32, {2}}}, {}, outs),
               "RoiAlign", "batch_indices");
  Result r = run(OpKind::RoiAlign, {ramp(), f32({1, 4}, {0, 0, 1, 1}), i64({1}, {1})});
  expect_error(r.error, "RoiAlign", "batch index 1");
}

TEST(KernelsAffineGrid, IdentityGivesPixelCentres) {
  // Without align_corners pixel i of an axis of extent L sits at -1 + (2i + 1) / L:
  // W = 3 -> -2/3, 0, 2/3; H = 2 -> -1/2, 1/2. Each grid point is (x, y).
  Result r = run(OpKind::AffineGrid, {f32({1, 2, 3}, {1, 0, 0, 0, 1, 0})}, attrs({{"size", Dims{1, 1, 2, 3}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 3, 2}));
  double t = 2.0 / 3;
  expect_close(r.f(), D{-t, -0.5, 0, -0.5, t, -0.5, -t, 0.5, 0, 0.5, t, 0.5});
}

TEST(KernelsAffineGrid, AlignCornersScaleAndTranslate) {
  // align_corners, 2x2: positions -1 and 1; theta maps (x, y) to (2x + 1, 3y - 1).
  Result r = run(OpKind::AffineGrid, {f64({1, 2, 3}, {2, 0, 1, 0, 3, -1})},
                 attrs({{"size", Dims{1, 5, 2, 2}}, {"align_corners", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.d(), (D{-1, -4, 3, -4, -1, 2, 3, 2}));
}

TEST(KernelsAffineGrid, VolumeOrdersComponentsXYZ) {
  // size [1, 1, 2, 1, 1], align_corners: z = -1, 1 and x = y = -1 (extent 1). theta
  // reverses the homogeneous (x, y, z, 1) into (z, y, x).
  Result r = run(OpKind::AffineGrid, {f32({1, 3, 4}, {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0})},
                 attrs({{"size", Dims{1, 1, 2, 1, 1}}, {"align_corners", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 1, 1, 3}));
  expect_close(r.f(), D{-1, -1, -1, 1, -1, -1});
}

TEST(KernelsAffineGrid, RejectsMismatchedTheta) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::AffineGrid, {{DType::f32, {1, 2, 3}}}, attrs({{"size", Dims{1, 1, 2, 2, 2}}}), outs),
               "AffineGrid", "theta");
  expect_error(infer(OpKind::AffineGrid, {{DType::f32, {1, 2, 3}}}, attrs({{"size", Dims{1, 2, 2}}}), outs),
               "AffineGrid", "size");
}

}  // namespace
