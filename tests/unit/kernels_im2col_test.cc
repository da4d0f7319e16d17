// kernels_im2col_test.cc - Col2Im's reference semantics (ops/im2col.toml). Expected values
// are summed by hand: element (k, l) lands on image position l * stride - pad + k * dilation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using F = std::vector<float>;

TEST(KernelsCol2Im, OverlappingBlocksAddUp) {
  // image 5, block 2, stride 1: 4 positions; row k=0 lands on 0..3, row k=1 on 1..4.
  Result r = run(OpKind::Col2Im, {f32({1, 2, 4}, {1, 2, 3, 4, 10, 20, 30, 40})},
                 attrs({{"image_shape", Dims{5}}, {"block_shape", Dims{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 5}));
  EXPECT_EQ(r.f(), (F{1, 12, 23, 34, 40}));
}

TEST(KernelsCol2Im, PadsAndDilationsDropThePadding) {
  // image 3x3, block 1x2 with width dilation 2, width pads 1 and 1: 3x3 positions. Offset
  // (0,0) (all ones) lands on columns -1, 0, 1; offset (0,1) (all tens) on 1, 2, 3.
  std::vector<float> in(9, 1.0f);
  in.insert(in.end(), 9, 10.0f);
  Result r = run(OpKind::Col2Im, {f32({1, 2, 9}, in)},
                 attrs({{"image_shape", Dims{3, 3}}, {"block_shape", Dims{1, 2}}, {"dilations", Dims{1, 2}},
                        {"pads", Dims{0, 1, 0, 1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 3, 3}));
  EXPECT_EQ(r.f(), (F{1, 11, 10, 1, 11, 10, 1, 11, 10}));
}

TEST(KernelsCol2Im, StridesAndChannelsF64) {
  // image 4, block 2, stride 2: positions 0 and 2 tile the image exactly; two channels
  // of two rows each.
  Result r = run(OpKind::Col2Im, {f64({1, 4, 2}, {1, 3, 2, 4, 5, 7, 6, 8})},
                 attrs({{"image_shape", Dims{4}}, {"block_shape", Dims{2}}, {"strides", Dims{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 4}));
  EXPECT_EQ(r.d(), (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(KernelsCol2Im, RejectsInconsistentShapes) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::Col2Im, {{DType::f32, {1, 2, 3}}},
                     attrs({{"image_shape", Dims{5}}, {"block_shape", Dims{2}}}), outs),
               "Col2Im", "sliding positions");
  expect_error(infer(OpKind::Col2Im, {{DType::f32, {1, 3, 4}}},
                     attrs({{"image_shape", Dims{5}}, {"block_shape", Dims{2}}}), outs),
               "Col2Im", "multiple");
  expect_error(infer(OpKind::Col2Im, {{DType::f32, {1, 2, 4}}},
                     attrs({{"image_shape", Dims{5}}, {"block_shape", Dims{2, 2}}}), outs),
               "Col2Im", "block_shape");
  expect_error(infer(OpKind::Col2Im, {{DType::f32, {1, 2, 4}}},
                     attrs({{"image_shape", Dims{1}}, {"block_shape", Dims{2}}}), outs),
               "Col2Im", "does not fit");
}

}  // namespace
