// kernels_pool_indices_test.cc - MaxPoolWithIndices (ops/pool_indices.toml) against a
// brute-force oracle written here: every tap of every window, in row-major kernel
// order, skipping positions outside the input and keeping the first maximum; and against
// plain MaxPool for the values.
#include "kernel_harness.h"

namespace halo_test {
namespace {

struct Pooled {
  std::vector<float> y;
  std::vector<int64_t> idx;
};

// 2-D only (N = 1, C planes), which is enough to check the index layouts.
Pooled oracle_2d(const std::vector<float>& x, int64_t planes, int64_t h, int64_t w, Dims kernel, Dims strides,
                 Dims dil, Dims pads, int64_t oh, int64_t ow, bool column_major) {
  Pooled p;
  for (int64_t c = 0; c < planes; ++c)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        bool any = false;
        float best = 0;
        int64_t at = -1;
        for (int64_t a = 0; a < kernel[0]; ++a)
          for (int64_t b = 0; b < kernel[1]; ++b) {
            int64_t r = i * strides[0] - pads[0] + a * dil[0], q = j * strides[1] - pads[1] + b * dil[1];
            if (r < 0 || r >= h || q < 0 || q >= w) continue;
            float v = x[static_cast<size_t>(c * h * w + r * w + q)];
            if (!any || v > best) {
              any = true;
              best = v;
              at = c * h * w + (column_major ? q * h + r : r * w + q);
            }
          }
        p.y.push_back(best);
        p.idx.push_back(at);
      }
  return p;
}

TEST(KernelsPoolIndices, MatchesBruteForceBothStorageOrders) {
  // Two planes of 4x5 with repeated values, so first-maximum ties matter.
  std::vector<float> x = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4,
                          6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0, 2, 8, 8, 4, 1, 9, 7};
  struct Case {
    Dims kernel, strides, dil, pads;
  };
  std::vector<Case> cases = {{{2, 2}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
                             {{3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}},
                             {{2, 3}, {1, 2}, {2, 1}, {1, 0, 0, 2}}};
  for (const Case& k : cases)
    for (int64_t order : {0, 1}) {
      Result r = run(OpKind::MaxPoolWithIndices, {f32({1, 2, 4, 5}, x)},
                     attrs({{"kernel_shape", k.kernel}, {"strides", k.strides}, {"dilations", k.dil},
                            {"pads", k.pads}, {"storage_order", order}}));
      ASSERT_EQ(r.error, "");
      Result plain = run(OpKind::MaxPool, {f32({1, 2, 4, 5}, x)},
                         attrs({{"kernel_shape", k.kernel}, {"strides", k.strides}, {"dilations", k.dil}, {"pads", k.pads}}));
      ASSERT_EQ(plain.error, "");
      EXPECT_EQ(r.dims(0), plain.dims(0));
      EXPECT_EQ(r.dims(1), plain.dims(0));
      EXPECT_EQ(r.type(1).dtype, DType::i64);
      EXPECT_EQ(r.f(0), plain.f(0));
      Dims d = r.dims(0);
      Pooled want = oracle_2d(x, 2, 4, 5, k.kernel, k.strides, k.dil, k.pads, d[2], d[3], order == 1);
      EXPECT_EQ(r.f(0), want.y) << "kernel " << k.kernel[0] << "x" << k.kernel[1] << " order " << order;
      EXPECT_EQ(r.idx(1), want.idx) << "kernel " << k.kernel[0] << "x" << k.kernel[1] << " order " << order;
    }
}

TEST(KernelsPoolIndices, IndicesCountBatchAndChannels3D) {
  // [2,1,2,2,2]: a 2x2x2 window covers each plane; the maximum's index includes
  // the plane offset (8 per plane). Column-major: d + h * 2 + w * 4.
  std::vector<float> x = {0, 1, 2, 3, 4, 5, 7, 6, 9, 8, 0, 0, 0, 0, 0, 0};
  Result r = run(OpKind::MaxPoolWithIndices, {f32({2, 1, 2, 2, 2}, x)}, attrs({{"kernel_shape", Dims{2, 2, 2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(0), (std::vector<float>{7, 9}));
  EXPECT_EQ(r.idx(1), (std::vector<int64_t>{6, 8}));
  Result c = run(OpKind::MaxPoolWithIndices, {f32({2, 1, 2, 2, 2}, x)},
                 attrs({{"kernel_shape", Dims{2, 2, 2}}, {"storage_order", int64_t{1}}}));
  ASSERT_EQ(c.error, "");
  // Element 6 is (d, h, w) = (1, 1, 0): 1 + 1 * 2 + 0 * 4 = 3.
  EXPECT_EQ(c.idx(1), (std::vector<int64_t>{3, 8}));
}

TEST(KernelsPoolIndices, F64AndOneDimension) {
  Result r = run(OpKind::MaxPoolWithIndices, {f64({1, 1, 5}, {1, 3, 3, 2, 5})},
                 attrs({{"kernel_shape", Dims{3}}, {"strides", Dims{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.d(0), (std::vector<double>{3, 5}));
  EXPECT_EQ(r.idx(1), (std::vector<int64_t>{1, 4}));
}

TEST(KernelsPoolIndices, BadStorageOrderIsAnError) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::MaxPoolWithIndices, {TensorType{DType::f32, {1, 1, 4, 4}}},
                     attrs({{"kernel_shape", Dims{2, 2}}, {"storage_order", int64_t{2}}}), outs),
               "MaxPoolWithIndices", "storage_order");
  expect_error(infer(OpKind::MaxPoolWithIndices, {TensorType{DType::f32, {1, 1, 4, 4}}},
                     attrs({{"kernel_shape", Dims{5, 5}}}), outs),
               "MaxPoolWithIndices", "exceeds");
}

}  // namespace
}  // namespace halo_test
