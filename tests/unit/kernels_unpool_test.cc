// kernels_unpool_test.cc - MaxUnpool's reference semantics (ops/unpool.toml). Expected
// values are placed by hand: each X element goes to its flat index in the unpooled shape.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using F = std::vector<float>;

AttrMap pool2() { return attrs({{"kernel_shape", Dims{2, 2}}, {"strides", Dims{2, 2}}}); }

TEST(KernelsMaxUnpool, ScattersAtTheIndices) {
  // 2x2 pooled with kernel 2, stride 2 -> 4x4; indices 5, 7, 13, 15 are (1,1), (1,3), (3,1), (3,3).
  Result r = run(OpKind::MaxUnpool, {f32({1, 1, 2, 2}, {5, 6, 7, 8}), i64({1, 1, 2, 2}, {5, 7, 13, 15})}, pool2());
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 4, 4}));
  EXPECT_EQ(r.f(), (F{0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 7, 0, 8}));
}

TEST(KernelsMaxUnpool, OutputShapeExtendsWithZeros) {
  // Same, into [1, 1, 5, 5]: the 4x4 unpooled block sits at the top left.
  AttrMap a = pool2();
  a.set("output_shape", Dims{1, 1, 5, 5});
  Result r = run(OpKind::MaxUnpool, {f32({1, 1, 2, 2}, {5, 6, 7, 8}), i64({1, 1, 2, 2}, {5, 7, 13, 15})}, a);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 1, 5, 5}));
  EXPECT_EQ(r.f(), (F{0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0}));
}

TEST(KernelsMaxUnpool, IndicesSpanChannelsAndPads) {
  // 1-D, two channels, kernel 3, stride 2, pads 1 and 1: unpooled extent (2-1)*2 - 2 + 3 = 3
  // per channel; flat indices count across channels (3 + i is channel 1).
  Result r = run(OpKind::MaxUnpool, {f64({1, 2, 2}, {1, 2, 3, 4}), i32({1, 2, 2}, {0, 2, 4, 3})},
                 attrs({{"kernel_shape", Dims{3}}, {"strides", Dims{2}}, {"pads", Dims{1, 1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{1, 2, 3}));
  EXPECT_EQ(r.d(), (std::vector<double>{1, 0, 2, 4, 3, 0}));
}

TEST(KernelsMaxUnpool, RejectsBadIndicesAndShapes) {
  Result r = run(OpKind::MaxUnpool, {f32({1, 1, 2, 2}, {5, 6, 7, 8}), i64({1, 1, 2, 2}, {5, 7, 13, 16})}, pool2());
  expect_error(r.error, "MaxUnpool", "index 16");
  std::vector<TensorType> outs;
  AttrMap a = pool2();
  a.set("output_shape", Dims{1, 1, 3, 5});
  expect_error(infer(OpKind::MaxUnpool, {{DType::f32, {1, 1, 2, 2}}, {DType::i64, {1, 1, 2, 2}}}, a, outs),
               "MaxUnpool", "smaller");
  expect_error(infer(OpKind::MaxUnpool, {{DType::f32, {1, 1, 2, 2}}, {DType::i64, {1, 1, 2, 1}}}, pool2(), outs),
               "MaxUnpool", "shape of X");
  expect_error(infer(OpKind::MaxUnpool, {{DType::f32, {1, 1, 2, 2}}, {DType::i64, {1, 1, 2, 2}}},
                     attrs({{"kernel_shape", Dims{2}}}), outs),
               "MaxUnpool", "entries");
}

}  // namespace
