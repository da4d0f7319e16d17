// kernels_attention_test.cc - the attention family's reference semantics (Attention) on
// small cases. Expected values are worked out by hand (noted next to each case) or from
// the closed formula written in the test; they never come from the kernel itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

const double kLn3 = std::log(3.0);

// ---- Attention ------------------------------------------------------------------------

TEST(KernelsAttention, FourDTwoKeys) {
  // One query 1, keys {0, ln 3}, scale 1/sqrt(1) = 1: weights {1/4, 3/4}; V {4, 8} -> 7.
  Result r = run(OpKind::Attention,
                 {f32({1, 1, 1, 1}, {1}), f32({1, 1, 2, 1}, {0, float(kLn3)}), f32({1, 1, 2, 1}, {4, 8})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 1, 1, 1}}));
  expect_close(r.f(), {7});
}

TEST(KernelsAttention, Float64AndExplicitScale) {
  // Q = 2, scale 0.5 -> scores {0, ln 3} as above -> 7.
  Result r = run(OpKind::Attention,
                 {f64({1, 1, 1, 1}, {2}), f64({1, 1, 2, 1}, {0, kLn3}), f64({1, 1, 2, 1}, {4, 8})},
                 attrs({{"scale", 0.5}}));
  ASSERT_EQ(r.error, "");
  EXPECT_NEAR(r.d().at(0), 7.0, 1e-12);
}

TEST(KernelsAttention, DefaultScaleIsInverseSqrtHeadSize) {
  // D = 4: q = (1,1,1,1), k0 = 0, k1 = (a,a,a,a) with 4a / 2 = ln 3 -> weights {1/4, 3/4}.
  float a = float(kLn3 / 2);
  Result r = run(OpKind::Attention, {f32({1, 1, 1, 4}, {1, 1, 1, 1}), f32({1, 1, 2, 4}, {0, 0, 0, 0, a, a, a, a}),
                                     f32({1, 1, 2, 2}, {4, 0, 8, 4})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 1, 1, 2}}));
  expect_close(r.f(), {7, 3});
}

TEST(KernelsAttention, Causal) {
  // Equal scores; query 0 sees key 0 only, query 1 sees both: {2, (2 + 6) / 2}.
  Result r = run(OpKind::Attention, {f32({1, 1, 2, 1}, {0, 0}), f32({1, 1, 2, 1}, {1, 2}), f32({1, 1, 2, 1}, {2, 6})},
                 attrs({{"is_causal", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {2, 4});
}

TEST(KernelsAttention, BoolMaskAndShortFloatMask) {
  Tensor q = f32({1, 1, 1, 1}, {1}), k = f32({1, 1, 2, 1}, {0, float(kLn3)}), v = f32({1, 1, 2, 1}, {4, 8});
  // Key 0 masked out -> V1 = 8.
  Result r = run(OpKind::Attention, {q, k, v, boolean({1, 2}, {0, 1})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {8});
  // A float mask of one column: key 1 falls into the -inf padding -> V0 = 4.
  r = run(OpKind::Attention, {q, k, v, f32({1}, {0})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {4});
  // Additive float mask {ln 3, 0}: scores {ln 3, ln 3} -> mean 6.
  r = run(OpKind::Attention, {q, k, v, f32({1, 1, 1, 2}, {float(kLn3), 0})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {6});
}

TEST(KernelsAttention, ThreeDGroupedQuery) {
  // Two query heads share one kv head; keys {0, 1}, scale 1 (D = 1).
  // Head 0: q = 0 -> equal weights -> (4 + 8) / 2 = 6; head 1: q = ln 3 -> {1/4, 3/4} -> 7.
  Result r = run(OpKind::Attention, {f32({1, 1, 2}, {0, float(kLn3)}), f32({1, 2, 1}, {0, 1}), f32({1, 2, 1}, {4, 8})},
                 attrs({{"q_num_heads", int64_t{2}}, {"kv_num_heads", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 1, 2}}));
  expect_close(r.f(), {6, 7});
}

TEST(KernelsAttention, ThreeDHeadLayout) {
  // Two heads, two positions, one kv position: each head copies its own V slice.
  // V hidden = [head0: (1, 2), head1: (3, 4)]; Y[s] = V[0] for both queries.
  Result r = run(OpKind::Attention,
                 {f32({1, 2, 2}, {1, 2, 3, 4}), f32({1, 1, 2}, {5, 6}), f32({1, 1, 4}, {1, 2, 3, 4})},
                 attrs({{"q_num_heads", int64_t{2}}, {"kv_num_heads", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 2, 4}}));
  expect_close(r.f(), {1, 2, 3, 4, 1, 2, 3, 4});
}

TEST(KernelsAttention, PastKeyValueWithCausal) {
  // past key 0 / value 4 precede key ln 3 / value 8; the one query (position P = 1) sees
  // both keys under is_causal -> 7.
  Result r = run(OpKind::Attention,
                 {f32({1, 1, 1, 1}, {1}), f32({1, 1, 1, 1}, {float(kLn3)}), f32({1, 1, 1, 1}, {8}), absent(),
                  f32({1, 1, 1, 1}, {0}), f32({1, 1, 1, 1}, {4})},
                 attrs({{"is_causal", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {7});
}

TEST(KernelsAttention, Softcap) {
  // Scores {0, 10} capped to {0, c tanh(10 / c)} with c = 2.
  double x = 2 * std::tanh(5.0), w = std::exp(x);
  Result r = run(OpKind::Attention, {f32({1, 1, 1, 1}, {1}), f32({1, 1, 2, 1}, {0, 10}), f32({1, 1, 2, 1}, {4, 8})},
                 attrs({{"softcap", 2.0}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {(4 + 8 * w) / (1 + w)});
}

TEST(KernelsAttention, NonpadKvSeqlen) {
  // Batch 0 keeps one key (-> 4), batch 1 both (weights {1/4, 3/4} -> 7).
  Result r = run(OpKind::Attention,
                 {f32({2, 1, 1, 1}, {1, 1}), f32({2, 1, 2, 1}, {0, float(kLn3), 0, float(kLn3)}),
                  f32({2, 1, 2, 1}, {4, 8, 4, 8}), absent(), absent(), absent(), i64({2}, {1, 2})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {4, 7});
}

TEST(KernelsAttention, FullyMaskedRowIsNaN) {
  Result r = run(OpKind::Attention, {f32({1, 1, 1, 1}, {1}), f32({1, 1, 1, 1}, {1}), f32({1, 1, 1, 1}, {1}),
                                     boolean({1}, {0})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {std::nan("")});
}

TEST(KernelsAttention, Errors) {
  Tensor q3 = f32({1, 1, 2}, {0, 0}), k3 = f32({1, 1, 2}, {0, 0});
  expect_error(run(OpKind::Attention, {q3, k3, k3}).error, "Attention", "q_num_heads");
  AttrMap heads = attrs({{"q_num_heads", int64_t{3}}, {"kv_num_heads", int64_t{1}}});
  expect_error(run(OpKind::Attention, {q3, k3, k3}, heads).error, "Attention", "not divisible");
  Tensor q = f32({1, 3, 1, 1}, {0, 0, 0}), k = f32({1, 2, 1, 1}, {0, 0});
  expect_error(run(OpKind::Attention, {q, k, k}).error, "Attention", "multiple");
  Tensor q1 = f32({1, 1, 1, 1}, {0}), k1 = f32({1, 1, 1, 1}, {0});
  expect_error(run(OpKind::Attention, {q1, k1, k1, f32({2}, {0, 0})}).error, "Attention", "attn_mask");
  expect_error(run(OpKind::Attention, {q1, k1, k1, i64({1}, {0})}).error, "Attention", "attn_mask");
  expect_error(run(OpKind::Attention, {q1, k1, f32({1, 1}, {0})}).error, "Attention", "3-D");
  expect_error(run(OpKind::Attention, {q1, k1, k1}, attrs({{"softcap", -1.0}})).error, "Attention", "softcap");
}

// ---- RotaryEmbedding ------------------------------------------------------------------

TEST(KernelsAttention, RotaryHalvesWithPositionIds) {
  // X [1, 1, 2, 4] (4-D: one head, two positions), rd = 4, half = 2. Position ids {1, 0}
  // pick cache rows; row 0 is the identity (cos 1, sin 0), row 1 rotates by 90 degrees
  // (cos 0, sin 1): y[j] = -x[j + 2], y[j + 2] = x[j].
  Result r = run(OpKind::RotaryEmbedding,
                 {f32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), f32({2, 2}, {1, 1, 0, 0}), f32({2, 2}, {0, 0, 1, 1}),
                  i64({1, 2}, {1, 0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 1, 2, 4}}));
  expect_close(r.f(), {-3, -4, 1, 2, 5, 6, 7, 8});
}

TEST(KernelsAttention, RotaryInterleavedPartialThreeD) {
  // 3-D X [1, 1, 6] with num_heads 2 (head size 3 is odd, so rd = 2 is given); caches per
  // [batch, seq]: cos c = 0.6, sin s = 0.8. Each head (a, b, z) -> (c a - s b, s a + c b, z).
  Result r = run(OpKind::RotaryEmbedding,
                 {f64({1, 1, 6}, {1, 2, 3, 4, 5, 6}), f64({1, 1, 1}, {0.6}), f64({1, 1, 1}, {0.8})},
                 attrs({{"num_heads", int64_t{2}}, {"rotary_embedding_dim", int64_t{2}}, {"interleaved", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  std::vector<double> want = {0.6 - 1.6, 0.8 + 1.2, 3, 2.4 - 4.0, 3.2 + 3.0, 6};
  std::vector<double> got = r.d();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

TEST(KernelsAttention, RotaryErrors) {
  Tensor x = f32({1, 1, 1, 4}, {0, 0, 0, 0}), c = f32({1, 1, 2}, {0, 0});
  Result r = run(OpKind::RotaryEmbedding, {x, c, c, i64({1, 1}, {5})});
  expect_error(r.error, "RotaryEmbedding", "position_ids");  // caches must be 2-D
  Tensor c2 = f32({2, 2}, {0, 0, 0, 0});
  r = run(OpKind::RotaryEmbedding, {x, c2, c2, i64({1, 1}, {5})});
  expect_error(r.error, "RotaryEmbedding", "outside");
  expect_error(run(OpKind::RotaryEmbedding, {f32({1, 1, 4}, {0, 0, 0, 0}), c, c}).error, "RotaryEmbedding",
               "num_heads");
  expect_error(run(OpKind::RotaryEmbedding, {x, c, c}, attrs({{"rotary_embedding_dim", int64_t{3}}})).error,
               "RotaryEmbedding", "even");
}

}  // namespace
