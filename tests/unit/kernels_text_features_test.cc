// kernels_text_features_test.cc - TfIdfVectorizer's reference semantics
// (ops/text_features.toml). Expected counts are found by listing the n-grams of each
// row by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;
using F = std::vector<float>;

AttrMap tfidf(int64_t min_n, int64_t max_n, int64_t skip, const char* mode, Dims counts, Dims indexes, Dims pool) {
  return attrs({{"min_gram_length", min_n}, {"max_gram_length", max_n}, {"max_skip_count", skip},
                {"mode", std::string(mode)}, {"ngram_counts", counts}, {"ngram_indexes", indexes},
                {"pool_int64s", pool}});
}

TEST(KernelsTextFeatures, UnigramsAndBigramsTf) {
  // X = 1 2 1 2 3; pool unigrams {1, 3}, bigram {(1, 2)}: 1 twice, 3 once, (1, 2) at 0 and 2.
  Result r = run(OpKind::TfIdfVectorizer, {i64({5}, {1, 2, 1, 2, 3})},
                 tfidf(1, 2, 0, "TF", {0, 2}, {0, 1, 2}, {1, 3, 1, 2}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::f32);
  EXPECT_EQ(r.dims(), (Dims{3}));
  EXPECT_EQ(r.f(), (F{2, 1, 2}));
}

TEST(KernelsTextFeatures, SkipsFindSpreadBigrams) {
  // Bigrams only; distance 1 pairs: (1,2) (2,1) (1,2) (2,3); distance 2 pairs: (1,1) (2,2)
  // (1,3). So (1, 2) twice and (1, 3) once; the unigrams of the pool are not counted.
  Result r = run(OpKind::TfIdfVectorizer, {i64({5}, {1, 2, 1, 2, 3})},
                 tfidf(2, 2, 1, "TF", {0, 2}, {0, 1, 2, 3}, {1, 3, 1, 2, 1, 3}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{0, 0, 2, 1}));
  // Without skips (1, 3) never occurs.
  r = run(OpKind::TfIdfVectorizer, {i64({5}, {1, 2, 1, 2, 3})},
          tfidf(2, 2, 0, "TF", {0, 2}, {0, 1, 2, 3}, {1, 3, 1, 2, 1, 3}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{0, 0, 2, 0}));
}

TEST(KernelsTextFeatures, BatchIdfAndTfidfWithWeights) {
  // Rows [1 1 2] and [3 3 3]; unigrams 1, 2, 3 go to columns 2, 1, 0. Counts: row 0
  // [0, 1, 2], row 1 [3, 0, 0]. IDF: weight where the count is positive; TFIDF: weight
  // times count.
  Tensor x = i32({2, 3}, {1, 1, 2, 3, 3, 3});
  Tensor w = f32({3}, {0.5f, 2.0f, 4.0f});
  Result r = run(OpKind::TfIdfVectorizer, {x, w}, tfidf(1, 1, 0, "IDF", {0}, {2, 1, 0}, {1, 2, 3}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2, 3}));
  EXPECT_EQ(r.f(), (F{0, 2, 4, 0.5, 0, 0}));
  r = run(OpKind::TfIdfVectorizer, {x, w}, tfidf(1, 1, 0, "TFIDF", {0}, {2, 1, 0}, {1, 2, 3}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{0, 2, 8, 1.5, 0, 0}));
  // IDF without weights: 1 where the count is positive.
  r = run(OpKind::TfIdfVectorizer, {x}, tfidf(1, 1, 0, "IDF", {0}, {2, 1, 0}, {1, 2, 3}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{0, 1, 1, 1, 0, 0}));
}

TEST(KernelsTextFeatures, RejectsBadAttributesAndOperands) {
  Tensor x = i64({3}, {1, 2, 3});
  expect_error(run(OpKind::TfIdfVectorizer, {x}, tfidf(1, 1, 0, "BM25", {0}, {0}, {1})).error, "TfIdfVectorizer", "mode");
  expect_error(run(OpKind::TfIdfVectorizer, {x}, tfidf(2, 1, 0, "TF", {0}, {0}, {1})).error, "TfIdfVectorizer",
               "min_gram_length");
  expect_error(run(OpKind::TfIdfVectorizer, {x}, tfidf(1, 1, 0, "TF", {0, 5}, {0}, {1})).error, "TfIdfVectorizer",
               "ngram_counts");
  expect_error(run(OpKind::TfIdfVectorizer, {x}, tfidf(1, 1, 0, "TF", {0}, {0}, {1, 2})).error, "TfIdfVectorizer",
               "ngram_indexes");
  expect_error(run(OpKind::TfIdfVectorizer, {x, f32({1}, {1})}, tfidf(1, 1, 0, "TF", {0}, {0, 1}, {1, 2})).error,
               "TfIdfVectorizer", "weights");
  expect_error(run(OpKind::TfIdfVectorizer, {f32({3}, {1, 2, 3})}, tfidf(1, 1, 0, "TF", {0}, {0}, {1})).error,
               "TfIdfVectorizer", "int32 or int64");
}

}  // namespace
