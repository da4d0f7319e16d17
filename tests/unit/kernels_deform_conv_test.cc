// kernels_deform_conv_test.cc - DeformConv's reference semantics (ops/deform_conv.toml).
// Expected values follow from the definition by hand: each tap reads X at its regular
// position plus its offset, interpolating linearly between pixels (0 outside X).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using D = std::vector<double>;

TEST(KernelsDeformConv, ZeroOffsetsIsConvolution) {
  Result r = run(OpKind::DeformConv, {f32({1, 1, 4}, {1, 2, 3, 4}), f32({1, 1, 2}, {1, 1}), f32({1, 2, 3}, std::vector<float>(6, 0.0f))});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 3}));
  expect_close(r.f(), D{3, 5, 7});
}

TEST(KernelsDeformConv, FractionalAndOutsideOffsets) {
  // Tap 0 of position 0 moves to -1.5 (no pixel: 0), of position 1 to -0.25 (0.75 of
  // pixel 0), of position 2 to 2.5 (half of pixels 2 and 3); tap 1 stays.
  Result r = run(OpKind::DeformConv, {f32({1, 1, 4}, {1, 2, 3, 4}), f32({1, 1, 2}, {1, 1}),
                                      f32({1, 2, 3}, {-1.5f, -1.25f, 0.5f, 0, 0, 0})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{0 + 2, 0.75 * 1 + 3, 3.5 + 4});
}

TEST(KernelsDeformConv, MaskAndBias2D) {
  // 1x1 kernel of weight 2; every tap moves down by 0.5: rows read (row0+row1)/2 and
  // half of row 1 (row 2 is outside).
  Result r = run(OpKind::DeformConv, {f64({1, 1, 2, 2}, {1, 2, 3, 4}), f64({1, 1, 1, 1}, {2}),
                                      f64({1, 2, 2, 2}, {0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0}), f64({1}, {10}),
                                      f64({1, 1, 2, 2}, {1, 0.5, 1, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 2, 2}));
  EXPECT_EQ(r.d(), (D{10 + 2 * 1 * 2, 10 + 2 * 0.5 * 3, 10 + 2 * 1 * 1.5, 10 + 2 * 2 * 2}));
}

TEST(KernelsDeformConv, OffsetGroupsShiftTheirOwnChannels) {
  // Channel 1 (offset group 1) reads one pixel to the right: 20 at position 0, nothing
  // at position 1; channel 0 is unshifted.
  Result r = run(OpKind::DeformConv, {f32({1, 2, 1, 2}, {1, 2, 10, 20}), f32({1, 2, 1, 1}, {1, 1}),
                                      f32({1, 4, 1, 2}, {0, 0, 0, 0, 0, 0, 1, 1})},
                 attrs({{"offset_group", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), D{21, 2});
}

TEST(KernelsDeformConv, GroupsAndStrides) {
  // group 2: output channel m reads input channel m; stride 2 keeps positions 0 and 2.
  Result r = run(OpKind::DeformConv, {f32({1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), f32({2, 1, 1}, {1, 10}),
                                      f32({1, 1, 2}, {0, 0})},
                 attrs({{"group", int64_t{2}}, {"strides", Dims{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 2}));
  expect_close(r.f(), D{1, 3, 50, 70});
}

TEST(KernelsDeformConv, RejectsInconsistentShapes) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::DeformConv, {{DType::f32, {1, 1, 4}}, {DType::f32, {1, 1, 2}}, {DType::f32, {1, 2, 4}}}, {}, outs),
               "DeformConv", "offset");
  expect_error(infer(OpKind::DeformConv, {{DType::f32, {1, 1, 4}}, {DType::f32, {1, 1, 2}}, {DType::f32, {1, 2, 3}},
                                          {DType::undefined, {}}, {DType::f32, {1, 1, 3}}}, {}, outs),
               "DeformConv", "mask");
  expect_error(infer(OpKind::DeformConv, {{DType::f32, {1, 3, 4}}, {DType::f32, {1, 1, 2}}, {DType::f32, {1, 2, 3}}},
                     attrs({{"group", int64_t{2}}}), outs),
               "DeformConv", "group");
}

}  // namespace
