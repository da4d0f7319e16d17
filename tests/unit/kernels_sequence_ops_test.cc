// kernels_sequence_ops_test.cc - ReverseSequence and TensorScatter
// (ops/sequence_ops.toml). Expected tensors are written out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using F = std::vector<float>;

TEST(KernelsSequenceOps, ReverseSequenceTimeMajor) {
  // [time 3, batch 2]: column 0 (1 3 5) reversed whole, column 1 (2 4 6) its first two.
  Result r = run(OpKind::ReverseSequence, {f32({3, 2}, {1, 2, 3, 4, 5, 6}), i64({2}, {3, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{5, 4, 3, 2, 1, 6}));
}

TEST(KernelsSequenceOps, ReverseSequenceBatchMajorIntegers) {
  // [batch 2, time 3] of int64 with an inner dimension of 2: row 0 keeps 1 step (no
  // change), row 1 reverses all 3 steps (pairs move together).
  Result r = run(OpKind::ReverseSequence,
                 {i64({2, 3, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), i32({2}, {1, 3})},
                 attrs({{"batch_axis", int64_t{0}}, {"time_axis", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.idx(), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 11, 12, 9, 10, 7, 8}));
}

TEST(KernelsSequenceOps, ReverseSequenceRejectsBadLengthsAndAxes) {
  expect_error(run(OpKind::ReverseSequence, {f32({3, 2}, {1, 2, 3, 4, 5, 6}), i64({2}, {4, 1})}).error,
               "ReverseSequence", "outside");
  expect_error(run(OpKind::ReverseSequence, {f32({3, 2}, {1, 2, 3, 4, 5, 6}), i64({3}, {1, 1, 1})}).error,
               "ReverseSequence", "entries");
  expect_error(run(OpKind::ReverseSequence, {f32({3, 2}, {1, 2, 3, 4, 5, 6}), i64({2}, {1, 1})},
                   attrs({{"batch_axis", int64_t{1}}, {"time_axis", int64_t{1}}}))
                   .error,
               "ReverseSequence", "0 and 1");
}

TEST(KernelsSequenceOps, TensorScatterCircularWraps) {
  // Cache [batch 2, seq 4, 1] = 0..7; two steps at 1 (batch 0) and at 3, wrapping to 0
  // (batch 1).
  Tensor cache = f32({2, 4, 1}, {0, 1, 2, 3, 4, 5, 6, 7});
  Tensor update = f32({2, 2, 1}, {10, 11, 20, 21});
  Result r = run(OpKind::TensorScatter, {cache, update, i64({2}, {1, 3})}, attrs({{"mode", std::string("circular")}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{0, 10, 11, 3, 21, 5, 6, 20}));
  // linear: the same write would run past the end of batch 1.
  expect_error(run(OpKind::TensorScatter, {cache, update, i64({2}, {1, 3})}).error, "TensorScatter", "linear");
  r = run(OpKind::TensorScatter, {cache, update, i64({2}, {0, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{10, 11, 2, 3, 4, 5, 20, 21}));
  // Without write_indices every batch entry writes at 0.
  r = run(OpKind::TensorScatter, {cache, update});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{10, 11, 2, 3, 20, 21, 6, 7}));
}

TEST(KernelsSequenceOps, TensorScatterHeadsShareTheBatchIndex) {
  // [batch 1, heads 2, seq 3, 1], axis -2: both heads write one step at 2.
  Result r = run(OpKind::TensorScatter, {i32({1, 2, 3, 1}, {1, 2, 3, 4, 5, 6}), i32({1, 2, 1, 1}, {7, 8}), i64({1}, {2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{1, 2, 7, 4, 5, 8}));
}

TEST(KernelsSequenceOps, TensorScatterRejectsBadShapes) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::TensorScatter, {TensorType{DType::f32, {2, 4, 1}}, TensorType{DType::f32, {2, 5, 1}}}, {}, outs),
               "TensorScatter", "does not fit");
  expect_error(infer(OpKind::TensorScatter, {TensorType{DType::f32, {2, 4, 1}}, TensorType{DType::f32, {2, 2, 1}}},
                     attrs({{"axis", int64_t{0}}}), outs),
               "TensorScatter", "axis");
  expect_error(infer(OpKind::TensorScatter,
                     {TensorType{DType::f32, {2, 4, 1}}, TensorType{DType::f32, {2, 2, 1}}, TensorType{DType::i64, {3}}},
                     {}, outs),
               "TensorScatter", "write_indices");
}

}  // namespace
