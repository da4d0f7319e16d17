// kernels_linalg_test.cc - Det's reference semantics (ops/linalg.toml). Expected values
// are cofactor expansions worked out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

TEST(KernelsLinalg, DetOfOneMatrix) {
  // 1*4 - 2*3 = -2.
  Result r = run(OpKind::Det, {f32({2, 2}, {1, 2, 3, 4})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{}));
  expect_close(r.f(), {-2.0}, 1e-6);
}

TEST(KernelsLinalg, DetBatchNeedsPivoting) {
  // [[0,1,0],[1,0,0],[0,0,5]] swaps two rows of diag(1,1,5): -5 (a zero first pivot).
  // [[2,0,1],[1,3,2],[1,1,4]]: 2*(12-2) - 0 + 1*(1-3) = 18.
  Result r = run(OpKind::Det, {f64({2, 3, 3}, {0, 1, 0, 1, 0, 0, 0, 0, 5, 2, 0, 1, 1, 3, 2, 1, 1, 4})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2}));
  std::vector<double> got = r.d();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NEAR(got[0], -5.0, 1e-12);
  EXPECT_NEAR(got[1], 18.0, 1e-12);
}

TEST(KernelsLinalg, DetSingularAndEmpty) {
  // Two equal rows: 0 exactly (the second pivot column becomes zero).
  Result r = run(OpKind::Det, {f32({2, 2}, {1, 2, 1, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (std::vector<float>{0.0f}));
  // The 0 x 0 matrix has determinant 1.
  r = run(OpKind::Det, {f32({3, 0, 0}, {})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (std::vector<float>{1, 1, 1}));
}

TEST(KernelsLinalg, DetRejectsNonSquare) {
  std::vector<TensorType> outs;
  expect_error(infer(OpKind::Det, {TensorType{DType::f32, {2, 3}}}, {}, outs), "Det", "equal");
  expect_error(infer(OpKind::Det, {TensorType{DType::f32, {3}}}, {}, outs), "Det", "rank");
}

}  // namespace
