// kernels_split_test.cc - Split (ops/split.toml). Expected values come from the
// definition written out here: element i of piece p along the axis is element
// (start of p) + i of X, where the pieces start at the running sum of their extents.
#include "kernel_harness.h"

namespace halo_test {
namespace {

// Piece `p` of a row-major [outer, n, inner] tensor cut along the middle dimension into
// pieces of the given extents, by index arithmetic.
std::vector<float> piece(const std::vector<float>& x, int64_t outer, int64_t n, int64_t inner, const Dims& extents,
                         size_t p) {
  int64_t start = 0;
  for (size_t q = 0; q < p; ++q) start += extents[q];
  std::vector<float> y;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < extents[p]; ++i)
      for (int64_t k = 0; k < inner; ++k) y.push_back(x[static_cast<size_t>((o * n + start + i) * inner + k)]);
  return y;
}

std::vector<float> iota_f(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i) + 0.5f;
  return v;
}

TEST(KernelsSplit, ExplicitExtentsOnEveryAxis) {
  Dims dims = {2, 5, 3};
  auto x = iota_f(30);
  for (int64_t axis = 0; axis < 3; ++axis) {
    int64_t n = dims[static_cast<size_t>(axis)];
    Dims extents = n == 5 ? Dims{1, 0, 4} : (n == 2 ? Dims{1, 1} : Dims{2, 1});
    Result r = run(OpKind::Split, {f32(dims, x)}, attrs({{"axis", axis - 3}, {"split", extents}}));
    ASSERT_EQ(r.error, "");
    ASSERT_EQ(r.outs.size(), extents.size());
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= dims[static_cast<size_t>(d)];
    for (int64_t d = axis + 1; d < 3; ++d) inner *= dims[static_cast<size_t>(d)];
    for (size_t p = 0; p < extents.size(); ++p) {
      Dims want = dims;
      want[static_cast<size_t>(axis)] = extents[p];
      EXPECT_EQ(r.dims(p), want) << "axis " << axis << " piece " << p;
      EXPECT_EQ(r.f(p), piece(x, outer, n, inner, extents, p)) << "axis " << axis << " piece " << p;
    }
  }
}

TEST(KernelsSplit, NumOutputsGivesASmallerLastPiece) {
  // 7 into 4: ceil(7 / 4) = 2, so 2, 2, 2 and the remaining 1.
  Result r = run(OpKind::Split, {i64({7}, {1, 2, 3, 4, 5, 6, 7})}, attrs({{"num_outputs", int64_t{4}}}));
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.outs.size(), 4u);
  EXPECT_EQ(r.idx(0), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(r.idx(1), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(r.idx(2), (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(r.idx(3), (std::vector<int64_t>{7}));
  // 6 into 4: pieces of 2 leave nothing for the last one.
  Result z = run(OpKind::Split, {u8({6}, {1, 2, 3, 4, 5, 6})}, attrs({{"num_outputs", int64_t{4}}}));
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(z.dims(3), Dims{0});
  EXPECT_EQ(z.get<uint8_t>(2), (std::vector<uint8_t>{5, 6}));
}

TEST(KernelsSplit, EqualPiecesOfBooleansAndEmptyInput) {
  Result r = run(OpKind::Split, {boolean({2, 2}, {1, 0, 0, 1})}, attrs({{"axis", int64_t{1}}, {"num_outputs", int64_t{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(0), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(r.get<uint8_t>(1), (std::vector<uint8_t>{0, 1}));
  Result e = run(OpKind::Split, {f32({0}, {})}, attrs({{"split", Dims{0, 0, 0}}}));
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.outs.size(), 3u);
}

TEST(KernelsSplit, BadArgumentsAreErrors) {
  std::vector<TensorType> outs;
  TensorType x{DType::f32, {5}};
  expect_error(infer(OpKind::Split, {x}, attrs({{"split", Dims{2, 2}}}), outs), "Split", "adds up to 4");
  expect_error(infer(OpKind::Split, {x}, attrs({{"split", Dims{6, -1}}}), outs), "Split", "negative");
  expect_error(infer(OpKind::Split, {x}, attrs({{"num_outputs", int64_t{4}}}), outs), "Split", "smaller last");
  expect_error(infer(OpKind::Split, {x}, attrs({}), outs), "Split", "num_outputs");
  expect_error(infer(OpKind::Split, {x}, attrs({{"num_outputs", int64_t{1000000000}}}), outs), "Split", "more than");
  expect_error(infer(OpKind::Split, {x}, attrs({{"axis", int64_t{1}}, {"num_outputs", int64_t{1}}}), outs), "Split", "axis");
  expect_error(infer(OpKind::Split, {x}, attrs({{"split", Dims{2, 3}}, {"num_outputs", int64_t{3}}}), outs), "Split",
               "differs");
  expect_error(infer(OpKind::Split, {TensorType{DType::f32, {}}}, attrs({{"num_outputs", int64_t{1}}}), outs), "Split",
               "rank");
}

}  // namespace
}  // namespace halo_test
