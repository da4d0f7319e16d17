// kernels_attention_test.cc - the attention family's reference semantics (Attention) on
// small cases. Expected values are worked out by hand (noted next to each case) or from
// the closed formula written in the test; they never come from the kernel itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
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

// ---- AttentionWithCacheAndScores ------------------------------------------------------

// Past key 0 / value 4, new key ln 3 / value 8, query 1: Y = 7 (as PastKeyValueWithCausal).
std::vector<Tensor> past_case(Tensor mask = absent()) {
  return {f32({1, 1, 1, 1}, {1}), f32({1, 1, 1, 1}, {float(kLn3)}), f32({1, 1, 1, 1}, {8}), std::move(mask),
          f32({1, 1, 1, 1}, {0}), f32({1, 1, 1, 1}, {4})};
}

AttrMap qk_mode(int64_t mode, double softcap = 0.0) {
  return attrs({{"qk_matmul_output_mode", mode}, {"softcap", softcap}});
}

TEST(KernelsAttention, WithCacheAndScoresPresentAndRawScores) {
  Result r = run(OpKind::AttentionWithCacheAndScores, past_case(), qk_mode(0));
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.outs.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(r.type(i).dtype, DType::f32);
  EXPECT_EQ(r.dims(0), (Dims{1, 1, 1, 1}));
  EXPECT_EQ(r.dims(1), (Dims{1, 1, 2, 1}));  // [B, Hkv, P + Skv, D]
  EXPECT_EQ(r.dims(2), (Dims{1, 1, 2, 1}));
  EXPECT_EQ(r.dims(3), (Dims{1, 1, 1, 2}));  // [B, Hq, Sq, T]
  expect_close(r.f(0), {7});
  expect_close(r.f(1), {0, kLn3});  // past first
  expect_close(r.f(2), {4, 8});
  expect_close(r.f(3), {0, kLn3});  // scale 1 (D = 1) times Q.K
}

TEST(KernelsAttention, WithCacheAndScoresModes) {
  // Mode 1 adds the mask {ln 3, 0}: {ln 3, ln 3}; Y is then the mean 6.
  Result r = run(OpKind::AttentionWithCacheAndScores, past_case(f32({2}, {float(kLn3), 0})), qk_mode(1));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(0), {6});
  expect_close(r.f(3), {kLn3, kLn3});
  // Mode 0 ignores the mask.
  r = run(OpKind::AttentionWithCacheAndScores, past_case(f32({2}, {float(kLn3), 0})), qk_mode(0));
  expect_close(r.f(3), {0, kLn3});
  // Mode 2 after softcap 1: {tanh 0, tanh ln 3} = {0, (3 - 1/3) / (3 + 1/3)} = {0, 0.8}.
  r = run(OpKind::AttentionWithCacheAndScores, past_case(), qk_mode(2, 1.0));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(3), {0, 0.8});
  // Mode 3: the softmax weights {1/4, 3/4}; a causal mask hides nothing here (P = 1).
  AttrMap a = qk_mode(3);
  a.set("is_causal", int64_t{1});
  r = run(OpKind::AttentionWithCacheAndScores, past_case(), a);
  expect_close(r.f(3), {0.25, 0.75});
  // Mode 1 with is_causal and no past: the key after the query gets -inf.
  r = run(OpKind::AttentionWithCacheAndScores,
          {f32({1, 1, 1, 1}, {1}), f32({1, 1, 2, 1}, {0, 1}), f32({1, 1, 2, 1}, {4, 8})},
          attrs({{"qk_matmul_output_mode", int64_t{1}}, {"is_causal", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(0), {4});
  expect_close(r.f(3), {0, -std::numeric_limits<double>::infinity()});
}

TEST(KernelsAttention, WithCacheAndScoresThreeDPresentIsFourD) {
  // 3-D K [1, 2 positions, 2 heads * 1]: K = {(a0, a1), (b0, b1)} by position; present_key
  // [1, 2 heads, 2 positions, 1] lists head 0's keys (a0, b0), then head 1's (a1, b1).
  Result r = run(OpKind::AttentionWithCacheAndScores,
                 {f32({1, 1, 2}, {0, 0}), f32({1, 2, 2}, {1, 2, 3, 4}), f32({1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})},
                 attrs({{"q_num_heads", int64_t{2}}, {"kv_num_heads", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(0), (Dims{1, 1, 4}));
  EXPECT_EQ(r.dims(1), (Dims{1, 2, 2, 1}));
  EXPECT_EQ(r.dims(2), (Dims{1, 2, 2, 2}));
  EXPECT_EQ(r.dims(3), (Dims{1, 2, 1, 2}));
  expect_close(r.f(1), {1, 3, 2, 4});
  expect_close(r.f(2), {1, 2, 5, 6, 3, 4, 7, 8});
  // Q = 0: equal weights, Y = the mean of each head's values.
  expect_close(r.f(0), {3, 4, 5, 6});
  expect_close(r.f(3), {0, 0, 0, 0});
}

TEST(KernelsAttention, WithCacheAndScoresErrors) {
  expect_error(run(OpKind::AttentionWithCacheAndScores, past_case(), qk_mode(4)).error,
               "AttentionWithCacheAndScores", "qk_matmul_output_mode");
}

// ---- float16 ---------------------------------------------------------------------------

TEST(KernelsAttention, Float16ValuesRoundTrip) {
  // One key: the softmax weight is 1, so Y = V exactly, whatever the f16 value: 1,
  // -2.5, the largest finite 65504, the smallest subnormal 2^-24, -1024, +inf.
  std::vector<uint16_t> v = {0x3c00, 0xc100, 0x7bff, 0x0001, 0xe400, 0x7c00};
  Result r = run(OpKind::Attention, {f16({1, 1, 1, 1}, {0x3c00}), f16({1, 1, 1, 1}, {0x3c00}), f16({1, 1, 1, 6}, v)});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f16, {1, 1, 1, 6}}));
  EXPECT_EQ(r.get<uint16_t>(), v);
}

TEST(KernelsAttention, Float16RoundsToNearestEven) {
  // Q = 0: two keys weigh 1/2 each, so Y is the mean of the two values.
  //   1 and 1 + 2^-10 (0x3c00, 0x3c01): 1 + 2^-11, a tie -> the even 0x3c00;
  //   1 + 2^-10 and 1 + 2^-9 (0x3c01, 0x3c02): 1 + 3 * 2^-11, a tie -> the even 0x3c02;
  //   0 and 2^-14 (the smallest normal, 0x0400): 2^-15, the subnormal 0x0200.
  Result r = run(OpKind::Attention, {f16({1, 1, 1, 1}, {0}), f16({1, 1, 2, 1}, {0, 0x3c00}),
                                     f16({1, 1, 2, 3}, {0x3c00, 0x3c01, 0x0000, 0x3c01, 0x3c02, 0x0400})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint16_t>(), (std::vector<uint16_t>{0x3c00, 0x3c02, 0x0200}));
}

TEST(KernelsAttention, Float16WeightsAndCache) {
  // As FourDTwoKeys in f16: K = ln 3 rounds to 0x3c65 (1.0986328125), so the weights are
  // 1/(1 + e^1.0986328125) and its complement; Y = 8 - 4 / (1 + e^1.0986328125) is
  // 7.0000154 -> 7 (0x4700), the f16 spacing at 7 being 2^-8.
  Result r = run(OpKind::AttentionWithCacheAndScores,
                 {f16({1, 1, 1, 1}, {0x3c00}), f16({1, 1, 2, 1}, {0x0000, 0x3c65}), f16({1, 1, 2, 1}, {0x4400, 0x4800})},
                 qk_mode(3));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint16_t>(0), (std::vector<uint16_t>{0x4700}));
  EXPECT_EQ(r.get<uint16_t>(1), (std::vector<uint16_t>{0x0000, 0x3c65}));
  EXPECT_EQ(r.get<uint16_t>(2), (std::vector<uint16_t>{0x4400, 0x4800}));
  // Weights 0.2499961 and 0.7500039 -> 0x3400 (0.25) and 0x3a00 (0.75).
  EXPECT_EQ(r.get<uint16_t>(3), (std::vector<uint16_t>{0x3400, 0x3a00}));
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
