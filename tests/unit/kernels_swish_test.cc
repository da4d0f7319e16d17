// kernels_swish_test.cc - Swish (ops/swish.toml): x / (1 + exp(-alpha x)) written out.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

TEST(KernelsSwish, DefaultAndExplicitAlpha) {
  Result r = run(OpKind::Swish, {f32({3}, {0, 1, -1})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {0.0, 1 / (1 + std::exp(-1.0)), -1 / (1 + std::exp(1.0))});
  r = run(OpKind::Swish, {f64({2}, {-1, 2})}, attrs({{"alpha", 2.0}}));
  ASSERT_EQ(r.error, "");
  std::vector<double> got = r.d();
  EXPECT_NEAR(got[0], -1 / (1 + std::exp(2.0)), 1e-15);
  EXPECT_NEAR(got[1], 2 / (1 + std::exp(-4.0)), 1e-15);
}

TEST(KernelsSwish, ExtremesAndIntegerRejection) {
  // Large negative inputs go to -0, large positive ones to themselves, NaN stays NaN.
  Result r = run(OpKind::Swish, {f32({3}, {-1000, 1000, NAN})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {0.0, 1000.0, NAN});
  expect_error(run(OpKind::Swish, {i32({1}, {1})}).error, "Swish", "i32");
}

}  // namespace
