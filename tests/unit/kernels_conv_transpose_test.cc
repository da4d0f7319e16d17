// kernels_conv_transpose_test.cc - ConvTranspose's reference semantics, with expected
// values worked out by hand from the scatter definition (out = in * stride - pad + tap).
#include <gtest/gtest.h>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

TEST(KernelsConvTranspose, StrideOneOverlapsTaps) {
  // x = [1, 2, 3], w = [1, 1]: each x lands on two neighbouring outputs.
  Result r = run(OpKind::ConvTranspose, {f32({1, 1, 3}, {1, 2, 3}), f32({1, 1, 2}, {1, 1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 1, 4}}));
  EXPECT_EQ(r.f(), (std::vector<float>{1, 3, 5, 3}));
}

TEST(KernelsConvTranspose, StrideTwoPadsBiasAndOutputPadding) {
  // Stride 2 places the taps of x[i] at 2i and 2i+1: [1,1,2,2,3,3]; pads [1, 0] drop the
  // first position; output_padding 1 adds one (bias-only) position at the end.
  Result r = run(OpKind::ConvTranspose, {f32({1, 1, 3}, {1, 2, 3}), f32({1, 1, 2}, {1, 1}), f32({1}, {0.5f})},
                 attrs({{"strides", std::vector<int64_t>{2}}, {"pads", std::vector<int64_t>{1, 0}},
                        {"output_padding", std::vector<int64_t>{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 1, 6}}));
  EXPECT_EQ(r.f(), (std::vector<float>{1.5f, 2.5f, 2.5f, 3.5f, 3.5f, 0.5f}));
}

TEST(KernelsConvTranspose, GroupsKeepChannelsApart) {
  // Two groups of one channel, 1x1 kernels scaling by 2 and by 10.
  Result r = run(OpKind::ConvTranspose, {f32({1, 2, 2}, {1, 2, 3, 4}), f32({2, 1, 1}, {2, 10})},
                 attrs({{"group", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 2, 2}}));
  EXPECT_EQ(r.f(), (std::vector<float>{2, 4, 30, 40}));
}

TEST(KernelsConvTranspose, ChannelMismatchIsAnError) {
  Result r = run(OpKind::ConvTranspose, {f32({1, 2, 3}, {1, 2, 3, 4, 5, 6}), f32({3, 1, 2}, {1, 1, 1, 1, 1, 1})});
  expect_error(r.error, "ConvTranspose", "channels");
}

}  // namespace
