// kernels_topk_test.cc - TopK against a brute-force oracle written here: for each line,
// rank every element by counting how many elements beat it.
#include "kernel_harness.h"

namespace halo_test {
namespace {

// The k best elements of `line` by counting: element j's rank is the number of elements
// that are strictly better, plus the equal ones before it.
void oracle(const std::vector<double>& line, int64_t k, bool largest, std::vector<double>& v, std::vector<int64_t>& idx) {
  std::vector<std::pair<int64_t, size_t>> ranked;
  for (size_t j = 0; j < line.size(); ++j) {
    int64_t rank = 0;
    for (size_t m = 0; m < line.size(); ++m) {
      bool better = largest ? line[m] > line[j] : line[m] < line[j];
      if (better || (line[m] == line[j] && m < j)) ++rank;
    }
    ranked.push_back({rank, j});
  }
  std::sort(ranked.begin(), ranked.end());
  for (int64_t r = 0; r < k; ++r) {
    v.push_back(line[ranked[static_cast<size_t>(r)].second]);
    idx.push_back(static_cast<int64_t>(ranked[static_cast<size_t>(r)].second));
  }
}

TEST(KernelsTopK, MatchesCountingOracleOnEveryAxis) {
  // A [2,3,4] tensor with repeated values, so ties are exercised.
  std::vector<float> x = {4, 1, 4, 2, 0, 7, 7, 3, 5, 5, 1, 9, 2, 8, 2, 6, 3, 3, 0, 1, 9, 4, 6, 6};
  Dims dims = {2, 3, 4};
  for (int64_t axis = 0; axis < 3; ++axis)
    for (bool largest : {true, false}) {
      int64_t n = dims[static_cast<size_t>(axis)], k = n - 1;
      Result r = run(OpKind::TopK, {f32(dims, x)},
                     attrs({{"k", k}, {"axis", axis}, {"largest", int64_t{largest}}}));
      ASSERT_EQ(r.error, "");
      Dims want_dims = dims;
      want_dims[static_cast<size_t>(axis)] = k;
      EXPECT_EQ(r.dims(0), want_dims);
      EXPECT_EQ(r.dims(1), want_dims);
      EXPECT_EQ(r.type(1).dtype, DType::i64);
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= dims[static_cast<size_t>(d)];
      for (int64_t d = axis + 1; d < 3; ++d) inner *= dims[static_cast<size_t>(d)];
      auto got_v = r.f(0);
      auto got_i = r.idx(1);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          std::vector<double> line, want_v;
          std::vector<int64_t> want_i;
          for (int64_t j = 0; j < n; ++j) line.push_back(x[static_cast<size_t>((o * n + j) * inner + i)]);
          oracle(line, k, largest, want_v, want_i);
          for (int64_t j = 0; j < k; ++j) {
            auto at = static_cast<size_t>((o * k + j) * inner + i);
            EXPECT_EQ(got_v[at], want_v[static_cast<size_t>(j)]) << "axis " << axis << " at " << at;
            EXPECT_EQ(got_i[at], want_i[static_cast<size_t>(j)]) << "axis " << axis << " at " << at;
          }
        }
    }
}

TEST(KernelsTopK, IntegersAndKZero) {
  Result r = run(OpKind::TopK, {u64({4}, {7, 18446744073709551615ull, 0, 7})}, attrs({{"k", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint64_t>(0), (std::vector<uint64_t>{18446744073709551615ull, 7}));
  EXPECT_EQ(r.idx(1), (std::vector<int64_t>{1, 0}));
  Result z = run(OpKind::TopK, {i32({3}, {1, 2, 3})}, attrs({{"k", int64_t{0}}}));
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(z.dims(0), Dims{0});
}

TEST(KernelsTopK, NaNCountsAsLargest) {
  float nan = std::nanf("");
  Result r = run(OpKind::TopK, {f32({3}, {1, nan, 2})}, attrs({{"k", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(std::isnan(r.f(0)[0]));
  EXPECT_EQ(r.idx(1), (std::vector<int64_t>{1, 2}));
}

TEST(KernelsTopK, BadKOrAxisIsAnError) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::TopK, {TensorType{DType::f32, {2, 3}}}, attrs({{"k", int64_t{4}}}), outs), "TopK", "k = 4");
  expect_error(infer(OpKind::TopK, {TensorType{DType::f32, {2, 3}}}, attrs({{"k", int64_t{1}}, {"axis", int64_t{2}}}), outs),
               "TopK", "axis 2");
  expect_error(infer(OpKind::TopK, {TensorType{DType::f32, {}}}, attrs({{"k", int64_t{1}}}), outs), "TopK", "rank 1");
}

}  // namespace
}  // namespace halo_test
