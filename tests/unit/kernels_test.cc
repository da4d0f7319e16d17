// kernels_test.cc - the reference semantics (semantics.h) on small hand-checked cases.
//
// The reference kernels are the oracle for every other runtime, so their own tests
// never compare against themselves: expected values are worked out by hand, computed
// by an independent plain loop written here, or (where noted) pasted from NumPy /
// onnxruntime 1.23 runs of the same case. Error cases check that bad shapes come back
// as one-line messages naming the op instead of crashing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
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

// ---- harness --------------------------------------------------------------------------





// 0, 1, 2, ... as f32 of the given shape.
Tensor iota(Dims dims, float scale = 1.0f) {
  TensorType t{DType::f32, dims};
  std::vector<float> v(static_cast<size_t>(t.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * scale;
  return f32(std::move(dims), v);
}





void expect_near(const std::vector<float>& got, const std::vector<double>& want,
                 double tol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::fabs(want[i]))) << "at " << i;
}



// ---- binary ---------------------------------------------------------------------------

TEST(KernelsBinary, AddBroadcastsRowVector) {
  Result r = run(OpKind::Add, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {10, 20, 30})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {2, 3}}));
  expect_near(r.f(), {11, 22, 33, 14, 25, 36});
}

TEST(KernelsBinary, AddBroadcastsBothWays) {
  Result r = run(OpKind::Add, {f32({2, 1}, {1, 2}), f32({1, 3}, {10, 20, 30})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 3}));
  expect_near(r.f(), {11, 21, 31, 12, 22, 32});
}

TEST(KernelsBinary, SubMulDivWithScalar) {
  auto a = [] { return f32({4}, {1, -2, 3, 8}); };
  auto s = [] { return f32({}, {2}); };
  expect_near(run(OpKind::Sub, {a(), s()}).f(), {-1, -4, 1, 6});
  expect_near(run(OpKind::Sub, {s(), a()}).f(), {1, 4, -1, -6});
  expect_near(run(OpKind::Mul, {a(), s()}).f(), {2, -4, 6, 16});
  expect_near(run(OpKind::Div, {a(), s()}).f(), {0.5, -1, 1.5, 4});
}

TEST(KernelsBinary, RankThreeBroadcastMatchesLoop) {
  // [2,1,3] (x) [4,1] -> [2,4,3]; expected from a direct index formula.
  Tensor a = iota({2, 1, 3}), b = iota({4, 1}, 0.5f);
  Result r = run(OpKind::Mul, {a, b});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 4, 3}));
  std::vector<double> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k) want.push_back((i * 3 + k) * (j * 0.5));
  expect_near(r.f(), want);
}

TEST(KernelsBinary, IntegerDivTruncatesTowardZero) {
  Result r = run(OpKind::Div, {i32({4}, {7, -7, 7, -7}), i32({4}, {2, 2, -2, -2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.outs[0].values<int32_t>(), (std::vector<int32_t>{3, -3, -3, 3}));
  Result q = run(OpKind::Div, {i64({2}, {-9, INT64_MIN}), i64({2}, {4, -1})});
  ASSERT_EQ(q.error, "");
  // INT64_MIN / -1 does not fit; it wraps (as NumPy) instead of trapping.
  EXPECT_EQ(q.outs[0].values<int64_t>(), (std::vector<int64_t>{-2, INT64_MIN}));
}

TEST(KernelsBinary, IntegerArithmeticIsExactAndWraps) {
  const int64_t big = (int64_t{1} << 60) + 1;  // not representable in double
  Result r = run(OpKind::Add, {i64({2}, {big, INT64_MAX}), i64({2}, {2, 1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.outs[0].values<int64_t>(), (std::vector<int64_t>{big + 2, INT64_MIN}));
  Result s = run(OpKind::Sub, {i32({2}, {5, 0}), i32({1}, {7})});
  EXPECT_EQ(s.outs[0].values<int32_t>(), (std::vector<int32_t>{-2, -7}));
  Result m = run(OpKind::Mul, {i32({2}, {-6, 1 << 20}), i32({2}, {7, 1 << 12})});
  EXPECT_EQ(m.outs[0].values<int32_t>(), (std::vector<int32_t>{-42, 0}));  // 2^32 wraps to 0
}

TEST(KernelsBinary, IntegerDivisionByZeroIsAnError) {
  Result r = run(OpKind::Div, {i32({2}, {1, 2}), i32({2}, {1, 0})});
  expect_error(r.error, "Div", "division by zero");
}

TEST(KernelsBinary, FloatDivisionByZeroIsInfinite) {
  Result r = run(OpKind::Div, {f32({2}, {1, -1}), f32({1}, {0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f()[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(r.f()[1], -std::numeric_limits<float>::infinity());
}

TEST(KernelsBinary, ErrorsOnIncompatibleShapesAndTypes) {
  expect_error(run(OpKind::Add, {iota({2, 3}), iota({2})}).error, "Add", "broadcast");
  expect_error(run(OpKind::Mul, {iota({2}), i32({2}, {1, 2})}).error, "Mul", "element type");
  expect_error(run(OpKind::Sub, {iota({2})}).error, "Sub", "missing");
}

// ---- unary ----------------------------------------------------------------------------

TEST(KernelsUnary, ReluLeakyReluClip) {
  auto x = [] { return f32({5}, {-2, -0.5f, 0, 0.5f, 3}); };
  expect_near(run(OpKind::Relu, {x()}).f(), {0, 0, 0, 0.5, 3});
  expect_near(run(OpKind::LeakyRelu, {x()}, attrs({{"alpha", 0.1}})).f(), {-0.2, -0.05, 0, 0.5, 3});
  expect_near(run(OpKind::LeakyRelu, {x()}).f(), {-0.02, -0.005, 0, 0.5, 3});  // alpha 0.01
  expect_near(run(OpKind::Clip, {x()}, attrs({{"min", -1.0}, {"max", 1.0}})).f(),
              {-1, -0.5, 0, 0.5, 1});
  expect_near(run(OpKind::Clip, {x()}).f(), {-2, -0.5, 0, 0.5, 3});  // default: no bounds
}

TEST(KernelsUnary, SigmoidAndTanhMatchTheFormulas) {
  std::vector<float> xs = {-20, -1, 0, 0.25f, 3};
  std::vector<double> sig, th;
  for (float v : xs) {
    sig.push_back(1 / (1 + std::exp(-static_cast<double>(v))));
    th.push_back((std::exp(2.0 * v) - 1) / (std::exp(2.0 * v) + 1));
  }
  Result s = run(OpKind::Sigmoid, {f32({5}, xs)});
  expect_near(s.f(), sig);
  EXPECT_EQ(s.f()[2], 0.5f);
  expect_near(run(OpKind::Tanh, {f32({5}, xs)}).f(), th);
}

TEST(KernelsUnary, F64AndIdentityOfIntegers) {
  Result r = run(OpKind::Relu, {make<double>(DType::f64, {2}, {-1.5, 2.25})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.outs[0].values<double>(), (std::vector<double>{0, 2.25}));
  const int64_t big = (int64_t{1} << 62) + 3;
  Result id = run(OpKind::Identity, {i64({2, 1}, {big, -7})});
  ASSERT_EQ(id.error, "");
  EXPECT_EQ(id.type().dims, (Dims{2, 1}));
  EXPECT_EQ(id.outs[0].values<int64_t>(), (std::vector<int64_t>{big, -7}));
}

TEST(KernelsUnary, NanPropagates) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(run(OpKind::Relu, {f32({1}, {nan})}).f()[0]));
  EXPECT_TRUE(
      std::isnan(run(OpKind::Clip, {f32({1}, {nan})}, attrs({{"min", 0.0}, {"max", 1.0}})).f()[0]));
}

TEST(KernelsUnary, UnlistedDtypeIsNotImplemented) {
  Result r = run(OpKind::Relu, {i32({2}, {1, -1})});
  EXPECT_EQ(r.error, "Relu: element type i32 not implemented by the reference kernel");
}

// ---- softmax --------------------------------------------------------------------------

TEST(KernelsSoftmax, LastAxis) {
  Result r = run(OpKind::Softmax, {f32({2, 3}, {1, 2, 3, 0, 0, 0})});
  ASSERT_EQ(r.error, "");
  double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expect_near(r.f(),
              {std::exp(1.0) / s, std::exp(2.0) / s, std::exp(3.0) / s, 1 / 3.0, 1 / 3.0, 1 / 3.0});
}

TEST(KernelsSoftmax, NonLastAxisNormalizesColumns) {
  // [2,2,2] along axis 1 (and its negative spelling -2): pairs (x[i,0,k], x[i,1,k]).
  std::vector<float> x = {0, 1, 2, 3, -1, 5, 1, 1};
  std::vector<double> want(8);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 2; ++k) {
      double a = std::exp(double(x[i * 4 + k])), b = std::exp(double(x[i * 4 + 2 + k]));
      want[i * 4 + k] = a / (a + b);
      want[i * 4 + 2 + k] = b / (a + b);
    }
  expect_near(run(OpKind::Softmax, {f32({2, 2, 2}, x)}, attrs({{"axis", int64_t{1}}})).f(), want);
  expect_near(run(OpKind::Softmax, {f32({2, 2, 2}, x)}, attrs({{"axis", int64_t{-2}}})).f(), want);
}

TEST(KernelsSoftmax, LargeInputsDoNotOverflow) {
  Result r = run(OpKind::Softmax, {f32({3}, {1000, 1000, -1000})});
  expect_near(r.f(), {0.5, 0.5, 0});
}

TEST(KernelsSoftmax, AxisOutOfRange) {
  expect_error(run(OpKind::Softmax, {iota({2, 3})}, attrs({{"axis", int64_t{2}}})).error, "Softmax",
               "axis 2");
}

// ---- matmul / gemm --------------------------------------------------------------------

// Plain [m,k] x [k,n] product for expected values.
std::vector<double> naive_matmul(const std::vector<float>& a, const std::vector<float>& b, int m,
                                 int k, int n) {
  std::vector<double> y(m * n, 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      for (int p = 0; p < k; ++p) y[i * n + j] += double(a[i * k + p]) * b[p * n + j];
  return y;
}

TEST(KernelsMatMul, TwoByThreeTimesThreeByTwo) {
  Result r =
      run(OpKind::MatMul, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3, 2}, {7, 8, 9, 10, 11, 12})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 2}));
  expect_near(r.f(), {58, 64, 139, 154});  // by hand
}

TEST(KernelsMatMul, VectorOperands) {
  Tensor m = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Result vm = run(OpKind::MatMul, {f32({2}, {1, -1}), m});  // [2] x [2,3] -> [3]
  ASSERT_EQ(vm.error, "");
  EXPECT_EQ(vm.type().dims, (Dims{3}));
  expect_near(vm.f(), {-3, -3, -3});
  Result mv = run(OpKind::MatMul, {m, f32({3}, {1, 0, 2})});  // [2,3] x [3] -> [2]
  EXPECT_EQ(mv.type().dims, (Dims{2}));
  expect_near(mv.f(), {7, 16});
  Result vv = run(OpKind::MatMul, {f32({3}, {1, 2, 3}), f32({3}, {4, 5, 6})});  // -> scalar
  EXPECT_EQ(vv.type().dims, (Dims{}));
  expect_near(vv.f(), {32});
  Result bv = run(OpKind::MatMul, {iota({2, 2, 3}), f32({3}, {1, 1, 1})});  // -> [2,2]
  EXPECT_EQ(bv.type().dims, (Dims{2, 2}));
  expect_near(bv.f(), {3, 12, 21, 30});
}

TEST(KernelsMatMul, BatchDimensionsBroadcast) {
  // A [2,1,2,3] x B [3,3,2] -> [2,3,2,2]; batch (i,j) uses A[i,0] and B[j].
  Tensor a = iota({2, 1, 2, 3}), b = iota({3, 3, 2}, 0.25f);
  Result r = run(OpKind::MatMul, {a, b});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 3, 2, 2}));
  std::vector<float> av = a.values<float>(), bv = b.values<float>();
  std::vector<double> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      std::vector<float> ai(av.begin() + i * 6, av.begin() + i * 6 + 6);
      std::vector<float> bj(bv.begin() + j * 6, bv.begin() + j * 6 + 6);
      for (double v : naive_matmul(ai, bj, 2, 3, 2)) want.push_back(v);
    }
  expect_near(r.f(), want);
}

TEST(KernelsMatMul, Errors) {
  expect_error(run(OpKind::MatMul, {iota({2, 3}), iota({4, 2})}).error, "MatMul",
               "inner dimensions 3 and 4 differ");
  expect_error(run(OpKind::MatMul, {iota({2, 2, 3}), iota({3, 3, 2})}).error, "MatMul", "batch");
  expect_error(run(OpKind::MatMul, {f32({}, {1}), iota({2})}).error, "MatMul");
}

TEST(KernelsGemm, PlainWithMatrixC) {
  Result r = run(OpKind::Gemm, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3, 2}, {7, 8, 9, 10, 11, 12}),
                                f32({2, 2}, {1, 2, 3, 4})});
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), {59, 66, 142, 158});
}

TEST(KernelsGemm, TransposesAlphaBetaAndBroadcastC) {
  // op(A) = A^T with A stored [K=3, M=2]; op(B) = B^T with B stored [N=4, K=3].
  std::vector<float> a = {1, -2, 0.5f, 3, 2, 1}, b(12);
  for (int i = 0; i < 12; ++i) b[i] = float(i % 5) - 1.5f;
  std::vector<float> at(6), bt(12);  // explicitly transposed copies for the expectation
  for (int k = 0; k < 3; ++k)
    for (int m = 0; m < 2; ++m) at[m * 3 + k] = a[k * 2 + m];
  for (int n = 0; n < 4; ++n)
    for (int k = 0; k < 3; ++k) bt[k * 4 + n] = b[n * 3 + k];
  std::vector<double> ab = naive_matmul(at, bt, 2, 3, 4);
  AttrMap at_attrs =
      attrs({{"transA", int64_t{1}}, {"transB", int64_t{1}}, {"alpha", 0.5}, {"beta", 2.0}});
  struct CCase {
    Dims dims;
    std::vector<float> v;
  };
  for (const CCase& c : {CCase{{}, {3}}, CCase{{4}, {1, 2, 3, 4}}, CCase{{2, 1}, {-1, 1}},
                         CCase{{1, 4}, {0, 1, 0, 1}}}) {
    Result r = run(OpKind::Gemm, {f32({3, 2}, a), f32({4, 3}, b), f32(c.dims, c.v)}, at_attrs);
    ASSERT_EQ(r.error, "") << testing::PrintToString(c.dims);
    EXPECT_EQ(r.type().dims, (Dims{2, 4}));
    std::vector<double> want;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 4; ++j) {
        double cv = c.dims.empty()       ? c.v[0]
                    : c.dims.size() == 1 ? c.v[j]
                    : c.dims[0] == 2     ? c.v[i]
                                         : c.v[j];
        want.push_back(0.5 * ab[i * 4 + j] + 2.0 * cv);
      }
    expect_near(r.f(), want);
  }
}

TEST(KernelsGemm, WithoutC) {
  Result r = run(OpKind::Gemm, {f32({1, 2}, {1, 2}), f32({2, 1}, {3, 4}), absent()},
                 attrs({{"alpha", 2.0}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), {22});
  Result r2 = run(OpKind::Gemm, {f32({1, 2}, {1, 2}), f32({2, 1}, {3, 4})});  // C omitted
  expect_near(r2.f(), {11});
}

TEST(KernelsGemm, Errors) {
  EXPECT_EQ(run(OpKind::Gemm, {iota({2, 3}), iota({4, 2})}).error,
            "Gemm: inner dimensions 3 and 4 differ");
  expect_error(run(OpKind::Gemm, {iota({2, 3}), iota({3, 2}), iota({3})}).error, "Gemm",
               "does not broadcast");
  expect_error(run(OpKind::Gemm, {iota({3}), iota({3, 2})}).error, "Gemm", "rank 2");
}

// ---- conv -----------------------------------------------------------------------------

// Direct 2-D grouped convolution with explicit loops, for expected values.
std::vector<double> naive_conv2d(const Tensor& x, const Tensor& w, const std::vector<float>& bias,
                                 int group, Dims pads, Dims strides, Dims dil) {
  const Dims &dx = x.type.dims, &dw = w.type.dims;
  int64_t N = dx[0], C = dx[1], H = dx[2], W = dx[3], M = dw[0], CG = dw[1], KH = dw[2], KW = dw[3];
  int64_t OH = (H + pads[0] + pads[2] - dil[0] * (KH - 1) - 1) / strides[0] + 1;
  int64_t OW = (W + pads[1] + pads[3] - dil[1] * (KW - 1) - 1) / strides[1] + 1;
  std::vector<float> xv = x.values<float>(), wv = w.values<float>();
  std::vector<double> y;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = bias.empty() ? 0 : bias[m];
          int64_t g = m / (M / group);
          for (int64_t c = 0; c < CG; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * strides[0] - pads[0] + kh * dil[0];
                int64_t iw = ow * strides[1] - pads[1] + kw * dil[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += double(xv[((n * C + g * CG + c) * H + ih) * W + iw]) *
                       wv[((m * CG + c) * KH + kh) * KW + kw];
              }
          y.push_back(acc);
        }
  (void)C;
  return y;
}

TEST(KernelsConv, ByHand) {
  // 3x3 input, 2x2 kernel [[1,0],[0,-1]]: y = x[i][j] - x[i+1][j+1].
  Result r = run(OpKind::Conv, {iota({1, 1, 3, 3}), f32({1, 1, 2, 2}, {1, 0, 0, -1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{1, 1, 2, 2}));
  expect_near(r.f(), {-4, -4, -4, -4});
  // Same with pads 1 and bias 10: corners see one tap.
  Result p =
      run(OpKind::Conv, {iota({1, 1, 3, 3}), f32({1, 1, 2, 2}, {1, 0, 0, -1}), f32({1}, {10})},
          attrs({{"pads", Dims{1, 1, 1, 1}}}));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.type().dims, (Dims{1, 1, 4, 4}));
  expect_near(p.f(), {10, 9, 8, 10, 7, 6, 6, 12, 4, 6, 6, 15, 10, 16, 17, 18});
}

TEST(KernelsConv, PadsStridesDilationsGroupsMatchLoops) {
  Tensor x = iota({2, 4, 6, 5}, 0.1f);
  Tensor w = iota({6, 2, 3, 2}, -0.05f);
  std::vector<float> bias = {1, -1, 0.5f, 0, 2, -2};
  Dims pads = {1, 2, 0, 1}, strides = {2, 1}, dil = {1, 2};
  Result r =
      run(OpKind::Conv, {x, w, f32({6}, bias)},
          attrs({{"group", int64_t{2}}, {"pads", pads}, {"strides", strides}, {"dilations", dil}}));
  ASSERT_EQ(r.error, "");
  // H: (6+1+0-3)/2+1 = 3; W: (5+2+1-2-1)/1+1 = 6.
  EXPECT_EQ(r.type().dims, (Dims{2, 6, 3, 6}));
  expect_near(r.f(), naive_conv2d(x, w, bias, 2, pads, strides, dil), 1e-4);
}

TEST(KernelsConv, MatchesOnnxRuntime) {
  // From onnxruntime 1.23: X = arange(100)/10 as [1,4,5,5], W = (arange(36)%7)-3 as
  // [2,2,3,3], B = [0.5,-1], group 2, pads [1,0,1,2], strides [2,1], dilations [1,2].
  std::vector<float> wv(36);
  for (int i = 0; i < 36; ++i) wv[i] = float(i % 7 - 3);
  Result r =
      run(OpKind::Conv, {iota({1, 4, 5, 5}, 0.1f), f32({2, 2, 3, 3}, wv), f32({2}, {0.5f, -1})},
          attrs({{"group", int64_t{2}},
                 {"pads", Dims{1, 0, 1, 2}},
                 {"strides", Dims{2, 1}},
                 {"dilations", Dims{1, 2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{1, 2, 3, 3}));
  expect_near(r.f(),
              {-5.7, 4.3, 4.6, -9.1, 0.8, 0.5, 6.5, 13.9, 13.9, 1.5, 12.4, 12.4, 17.7, 29.0, 29.3,
               -22.2, -26.9, -27.2},
              1e-5);
}

TEST(KernelsConv, OneAndThreeSpatialDims) {
  // 1-D: x = [1,2,3,4,5], w = [1,1,1], pads [1,1], stride 2 -> sums of 3-windows.
  Result r1 = run(OpKind::Conv, {f32({1, 1, 5}, {1, 2, 3, 4, 5}), f32({1, 1, 3}, {1, 1, 1})},
                  attrs({{"pads", Dims{1, 1}}, {"strides", Dims{2}}}));
  ASSERT_EQ(r1.error, "");
  EXPECT_EQ(r1.type().dims, (Dims{1, 1, 3}));
  expect_near(r1.f(), {3, 9, 9});
  // 3-D: 2x2x2 all-ones kernel over iota 2x3x3 with two input channels -> sums of cubes.
  Result r3 =
      run(OpKind::Conv, {iota({1, 2, 2, 3, 3}), f32({1, 2, 2, 2, 2}, std::vector<float>(16, 1))});
  ASSERT_EQ(r3.error, "");
  EXPECT_EQ(r3.type().dims, (Dims{1, 1, 1, 2, 2}));
  std::vector<double> want;
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 2; ++w) {
      double s = 0;
      for (int c = 0; c < 2; ++c)
        for (int d = 0; d < 2; ++d)
          for (int kh = 0; kh < 2; ++kh)
            for (int kw = 0; kw < 2; ++kw) s += c * 18 + d * 9 + (h + kh) * 3 + (w + kw);
      want.push_back(s);
    }
  expect_near(r3.f(), want);
}

TEST(KernelsConv, Errors) {
  expect_error(run(OpKind::Conv, {iota({1, 3, 4, 4}), iota({2, 2, 1, 1})}).error, "Conv",
               "X has 3 channels");
  expect_error(
      run(OpKind::Conv, {iota({1, 4, 4, 4}), iota({3, 2, 1, 1})}, attrs({{"group", int64_t{2}}}))
          .error,
      "Conv", "not divisible by group 2");
  expect_error(run(OpKind::Conv, {iota({1, 1, 2, 2}), iota({1, 1, 3, 3})}).error, "Conv",
               "exceeds padded input");
  expect_error(
      run(OpKind::Conv, {iota({1, 1, 4, 4}), iota({1, 1, 1, 1})}, attrs({{"strides", Dims{1}}}))
          .error,
      "Conv", "strides");
  expect_error(run(OpKind::Conv, {iota({1, 1, 4, 4}), iota({1, 1, 1, 1}), iota({2})}).error, "Conv",
               "B must have shape");
  expect_error(run(OpKind::Conv, {iota({4, 4}), iota({1, 1})}).error, "Conv", "rank");
  EXPECT_EQ(run(OpKind::Conv, {make<double>(DType::f64, {1, 1, 1}, {1}),
                               make<double>(DType::f64, {1, 1, 1}, {1})})
                .error,
            "Conv: element type f64 not implemented by the reference kernel");
}

// ---- pools ----------------------------------------------------------------------------

TEST(KernelsPool, MaxPoolPlainCeilAndDilated) {
  // Values from onnxruntime 1.23 (and onnx.reference), X = 1..16 as [1,1,4,4].
  Tensor x = f32({1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  expect_near(
      run(OpKind::MaxPool, {x}, attrs({{"kernel_shape", Dims{2, 2}}, {"strides", Dims{2, 2}}})).f(),
      {6, 8, 14, 16});
  Result ceil = run(
      OpKind::MaxPool, {x},
      attrs({{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"ceil_mode", int64_t{1}}}));
  EXPECT_EQ(ceil.type().dims, (Dims{1, 1, 2, 2}));
  expect_near(ceil.f(), {11, 12, 15, 16});
  Result floor =
      run(OpKind::MaxPool, {x}, attrs({{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}}));
  EXPECT_EQ(floor.type().dims, (Dims{1, 1, 1, 1}));
  expect_near(floor.f(), {11});
  expect_near(
      run(OpKind::MaxPool, {x}, attrs({{"kernel_shape", Dims{2, 2}}, {"dilations", Dims{2, 2}}}))
          .f(),
      {11, 12, 15, 16});
}

TEST(KernelsPool, MaxPoolOnIntegers) {
  // 2x2 windows, stride 2, over [1,1,2,4]: the extremes of each type survive exactly.
  Result u = run(OpKind::MaxPool, {u8({1, 1, 2, 4}, {0, 255, 7, 3, 254, 1, 9, 8})},
                 attrs({{"kernel_shape", Dims{2, 2}}, {"strides", Dims{2, 2}}}));
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.get<uint8_t>(), (std::vector<uint8_t>{255, 9}));
  Result i = run(OpKind::MaxPool, {i8({1, 1, 2, 4}, {-128, -127, -5, -6, -128, -100, -7, -9})},
                 attrs({{"kernel_shape", Dims{2, 2}}, {"strides", Dims{2, 2}}}));
  ASSERT_EQ(i.error, "");
  EXPECT_EQ(i.get<int8_t>(), (std::vector<int8_t>{-100, -5}));
}

TEST(KernelsPool, MaxPoolPaddingNeverWins) {
  // All inputs negative: a zero from padding must not appear (onnxruntime 1.23 agrees).
  std::vector<float> neg(9);
  for (int i = 0; i < 9; ++i) neg[i] = -float(i + 1);
  Result r = run(OpKind::MaxPool, {f32({1, 1, 3, 3}, neg)},
                 attrs({{"kernel_shape", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.f(), {-1, -1, -2, -3, -1, -1, -2, -3, -4, -4, -5, -6, -7, -7, -8, -9});
}

TEST(KernelsPool, CeilModeDropsWindowStartingInEndPadding) {
  // in 4, kernel 2, stride 2, pads [0,1]: ceil((4+1-2)/2)+1 = 3, but the third window
  // would start at 4, inside the end padding, so ONNX drops it (onnxruntime: [2, 4]).
  Result r = run(OpKind::MaxPool, {f32({1, 1, 4}, {1, 2, 3, 4})},
                 attrs({{"kernel_shape", Dims{2}},
                        {"strides", Dims{2}},
                        {"pads", Dims{0, 1}},
                        {"ceil_mode", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{1, 1, 2}));
  expect_near(r.f(), {2, 4});
}

TEST(KernelsPool, AveragePoolCountIncludePad) {
  // From onnxruntime 1.23: X = 1..9 as [1,1,3,3], kernel 2x2, pads 1 on every side.
  Tensor x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  AttrMap a = attrs({{"kernel_shape", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}});
  a.set("count_include_pad", int64_t{1});
  expect_near(run(OpKind::AveragePool, {x}, a).f(),
              {0.25, 0.75, 1.25, 0.75, 1.25, 3, 4, 2.25, 2.75, 6, 7, 3.75, 1.75, 3.75, 4.25, 2.25});
  a.set("count_include_pad", int64_t{0});
  expect_near(run(OpKind::AveragePool, {x}, a).f(),
              {1, 1.5, 2.5, 3, 2.5, 3, 4, 4.5, 5.5, 6, 7, 7.5, 7, 7.5, 8.5, 9});
}

TEST(KernelsPool, AveragePoolCeilMode) {
  // From onnxruntime 1.23. Kernel 3x3, stride 2, pads 1, ceil_mode: 2x2 windows.
  Tensor x = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  AttrMap a = attrs({{"kernel_shape", Dims{3, 3}},
                     {"strides", Dims{2, 2}},
                     {"pads", Dims{1, 1, 1, 1}},
                     {"ceil_mode", int64_t{1}},
                     {"count_include_pad", int64_t{1}}});
  expect_near(run(OpKind::AveragePool, {x}, a).f(), {12 / 9.0, 16 / 9.0, 24 / 9.0, 28 / 9.0});
  a.set("count_include_pad", int64_t{0});
  expect_near(run(OpKind::AveragePool, {x}, a).f(), {3, 4, 6, 7});
  // 1-D, no pads: the last ceil window overhangs the input; the overhang is not
  // padding, so it is never counted, whatever count_include_pad says -> [1.5, 3.5, 5].
  for (int64_t include : {0, 1}) {
    Result r = run(OpKind::AveragePool, {f32({1, 1, 5}, {1, 2, 3, 4, 5})},
                   attrs({{"kernel_shape", Dims{2}},
                          {"strides", Dims{2}},
                          {"ceil_mode", int64_t{1}},
                          {"count_include_pad", include}}));
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.type().dims, (Dims{1, 1, 3}));
    expect_near(r.f(), {1.5, 3.5, 5});
  }
}

TEST(KernelsPool, GlobalAveragePool) {
  Result r = run(OpKind::GlobalAveragePool, {iota({2, 3, 2, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 3, 1, 1}));
  // Plane p holds 4p..4p+3, whose mean is 4p + 1.5.
  expect_near(r.f(), {1.5, 5.5, 9.5, 13.5, 17.5, 21.5});
  Result r1 = run(OpKind::GlobalAveragePool, {iota({1, 2, 3})});
  EXPECT_EQ(r1.type().dims, (Dims{1, 2, 1}));
  expect_near(r1.f(), {1, 4});
}

TEST(KernelsPool, Errors) {
  expect_error(run(OpKind::MaxPool, {iota({1, 1, 4, 4})}).error, "MaxPool", "kernel_shape");
  expect_error(run(OpKind::MaxPool, {iota({1, 1, 4, 4})}, attrs({{"kernel_shape", Dims{2}}})).error,
               "MaxPool", "kernel_shape has 1 entries, expected 2");
  expect_error(run(OpKind::AveragePool, {iota({1, 1, 4, 4})},
                   attrs({{"kernel_shape", Dims{2, 2}}, {"pads", Dims{-1, 0, 0, 0}}}))
                   .error,
               "AveragePool", "pads");
  expect_error(run(OpKind::GlobalAveragePool, {iota({2, 3})}).error, "GlobalAveragePool", "rank");
}

// ---- batch normalization --------------------------------------------------------------

TEST(KernelsBatchNorm, MatchesFormula) {
  Tensor x = iota({2, 3, 2}, 0.5f);
  std::vector<float> scale = {1, 2, -1}, bias = {0, 1, 0.5f}, mean = {0.5f, 1, 2},
                     var = {1, 4, 0.25f};
  double eps = 1e-3;
  Result r = run(OpKind::BatchNormalization,
                 {x, f32({3}, scale), f32({3}, bias), f32({3}, mean), f32({3}, var)},
                 attrs({{"epsilon", eps}}));
  ASSERT_EQ(r.error, "");
  std::vector<double> want;
  std::vector<float> xv = x.values<float>();
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < 2; ++i)
        want.push_back(scale[c] * (xv[(n * 3 + c) * 2 + i] - mean[c]) / std::sqrt(var[c] + eps) +
                       bias[c]);
  expect_near(r.f(), want);
}

TEST(KernelsBatchNorm, OperandShapeMismatch) {
  expect_error(
      run(OpKind::BatchNormalization, {iota({1, 3, 2}), iota({3}), iota({3}), iota({2}), iota({3})})
          .error,
      "BatchNormalization", "mean");
}

// ---- layout ---------------------------------------------------------------------------

TEST(KernelsLayout, ReshapeWithZeroAndMinusOne) {
  Result r = run(OpKind::Reshape, {iota({2, 3, 4})}, attrs({{"shape", Dims{0, -1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 12}));
  EXPECT_EQ(r.f(), iota({24}).values<float>());
  Result r2 = run(OpKind::Reshape, {iota({2, 3, 4})}, attrs({{"shape", Dims{-1, 0, 2}}}));
  EXPECT_EQ(r2.type().dims, (Dims{4, 3, 2}));
  Result r3 = run(OpKind::Reshape, {i64({2, 2}, {1, 2, 3, 4})}, attrs({{"shape", Dims{4}}}));
  EXPECT_EQ(r3.outs[0].values<int64_t>(), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(KernelsLayout, ReshapeErrors) {
  expect_error(run(OpKind::Reshape, {iota({2, 3})}, attrs({{"shape", Dims{4, 2}}})).error,
               "Reshape", "cannot reshape");
  expect_error(run(OpKind::Reshape, {iota({2, 3})}, attrs({{"shape", Dims{-1, -1}}})).error,
               "Reshape", "more than one -1");
  expect_error(run(OpKind::Reshape, {iota({2, 3})}, attrs({{"shape", Dims{-1, 4}}})).error,
               "Reshape", "cannot reshape");
  expect_error(run(OpKind::Reshape, {iota({6})}, attrs({{"shape", Dims{0, 0}}})).error, "Reshape",
               "is 0");
}

TEST(KernelsLayout, ReshapeWithoutShapeUsesCallerResult) {
  Tensor x = iota({2, 3});
  std::vector<TensorType> outs;
  std::vector<TensorType> ins = {x.type};
  expect_error(infer_types(OpKind::Reshape, ins, AttrMap{}, outs), "Reshape");
  Tensor y = allocate(TensorType{DType::f32, {3, 2}});
  TensorView in[] = {x.view()};
  TensorView out[] = {y.view()};
  ASSERT_EQ(run_kernel(OpKind::Reshape, in, AttrMap{}, out), "");
  EXPECT_EQ(y.values<float>(), x.values<float>());
  Tensor bad = allocate(TensorType{DType::f32, {4}});
  TensorView bad_out[] = {bad.view()};
  expect_error(run_kernel(OpKind::Reshape, in, AttrMap{}, bad_out), "Reshape");
}

TEST(KernelsLayout, TransposeWithPermAndDefault) {
  Result r = run(OpKind::Transpose, {iota({2, 3, 4})}, attrs({{"perm", Dims{1, 2, 0}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{3, 4, 2}));
  std::vector<double> want;  // y[j][k][i] = x[i][j][k] = 12i + 4j + k
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 4; ++k)
      for (int i = 0; i < 2; ++i) want.push_back(12 * i + 4 * j + k);
  expect_near(r.f(), want);
  Result d = run(OpKind::Transpose, {i32({2, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(d.type().dims, (Dims{3, 2}));
  EXPECT_EQ(d.outs[0].values<int32_t>(), (std::vector<int32_t>{1, 4, 2, 5, 3, 6}));
  expect_error(run(OpKind::Transpose, {iota({2, 3})}, attrs({{"perm", Dims{0, 0}}})).error,
               "Transpose", "permutation");
  expect_error(run(OpKind::Transpose, {iota({2, 3})}, attrs({{"perm", Dims{0}}})).error,
               "Transpose", "rank");
}

TEST(KernelsLayout, ConcatOnAxisOne) {
  Result r =
      run(OpKind::Concat, {f32({2, 1}, {1, 2}), f32({2, 2}, {3, 4, 5, 6}), f32({2, 1}, {7, 8})},
          attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 4}));
  expect_near(r.f(), {1, 3, 4, 7, 2, 5, 6, 8});
  Result neg = run(OpKind::Concat, {i64({1, 2}, {1, 2}), i64({2, 2}, {3, 4, 5, 6})},
                   attrs({{"axis", int64_t{-2}}}));
  ASSERT_EQ(neg.error, "");
  EXPECT_EQ(neg.type().dims, (Dims{3, 2}));
  EXPECT_EQ(neg.outs[0].values<int64_t>(), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(KernelsLayout, ConcatErrors) {
  expect_error(
      run(OpKind::Concat, {iota({2, 1}), iota({3, 1})}, attrs({{"axis", int64_t{1}}})).error,
      "Concat", "does not match");
  expect_error(run(OpKind::Concat, {iota({2}), iota({2})}, attrs({{"axis", int64_t{1}}})).error,
               "Concat", "out of range");
  expect_error(run(OpKind::Concat, {}, attrs({{"axis", int64_t{0}}})).error, "Concat");
  expect_error(run(OpKind::Concat, {iota({2})}).error, "Concat", "axis");  // required attr
}

// ---- shape inference and API robustness -----------------------------------------------

TEST(KernelsInfer, UnknownExtentsFlowThrough) {
  std::vector<TensorType> outs;
  ASSERT_EQ(infer(OpKind::Add, {{DType::f32, {-1, 3}}, {DType::f32, {3}}}, {}, outs), "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, 3}));
  ASSERT_EQ(infer(OpKind::Add, {{DType::f32, {-1, 1}}, {DType::f32, {1, 4}}}, {}, outs), "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, 4}));
  ASSERT_EQ(infer(OpKind::Conv, {{DType::f32, {-1, 3, 8, -1}}, {DType::f32, {4, 3, 3, 3}}},
                  attrs({{"pads", Dims{1, 1, 1, 1}}}), outs),
            "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, 4, 8, -1}));
  ASSERT_EQ(
      infer(OpKind::Reshape, {{DType::f32, {-1, 3, 4}}}, attrs({{"shape", Dims{0, -1}}}), outs),
      "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, -1}));
  ASSERT_EQ(infer(OpKind::Concat, {{DType::f32, {2, -1}}, {DType::f32, {-1, 3}}},
                  attrs({{"axis", int64_t{0}}}), outs),
            "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, 3}));
  ASSERT_EQ(infer(OpKind::MatMul, {{DType::f32, {-1, 5, 4}}, {DType::f32, {4, 6}}}, {}, outs), "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, 5, 6}));
}

TEST(KernelsInfer, AbsurdSizesAreErrorsNotCrashes) {
  std::vector<TensorType> outs;
  const int64_t huge = int64_t{1} << 40;
  expect_error(infer(OpKind::Add, {{DType::f32, {huge, 1}}, {DType::f32, {1, huge}}}, {}, outs),
               "Add", "too large");
  expect_error(infer(OpKind::Relu, {{DType::f32, {-5}}}, {}, outs), "Relu", "invalid extent");
  expect_error(infer(OpKind::Conv, {{DType::f32, {1, 1, 4, 4}}, {DType::f32, {1, 1, 3, 3}}},
                     attrs({{"pads", Dims{INT64_MAX, 0, INT64_MAX, 0}}}), outs),
               "Conv", "int64");
  expect_error(infer(OpKind::Conv, {{DType::f32, {1, 1, 4, 4}}, {DType::f32, {1, 1, 3, 3}}},
                     attrs({{"dilations", Dims{INT64_MAX, 1}}}), outs),
               "Conv", "exceeds");
  expect_error(infer(OpKind::Concat, {{DType::f32, {INT64_MAX}}, {DType::f32, {INT64_MAX}}},
                     attrs({{"axis", int64_t{0}}}), outs),
               "Concat", "overflows");
  expect_error(infer(OpKind::Relu, {}, {}, outs), "Relu", "missing");
  expect_error(infer(OpKind::Relu, {{DType::f32, {1}}, {DType::f32, {1}}}, {}, outs), "Relu",
               "at most 1");
  expect_error(
      infer(OpKind::Softmax, {{DType::f32, {2}}}, attrs({{"axis", std::string("x")}}), outs),
      "Softmax", "wrong kind");
  EXPECT_TRUE(outs.empty());
}

TEST(KernelsInfer, RunKernelChecksBuffers) {
  Tensor a = iota({2}), b = iota({2});
  Tensor y = allocate(TensorType{DType::f32, {3}});
  TensorView in[] = {a.view(), b.view()};
  TensorView wrong[] = {y.view()};
  expect_error(run_kernel(OpKind::Add, in, AttrMap{}, wrong), "Add", "operands imply");
  TensorView null_out[] = {TensorView{TensorType{DType::f32, {2}}, nullptr}};
  expect_error(run_kernel(OpKind::Add, in, AttrMap{}, null_out), "Add", "no data");
  TensorView unknown_in[] = {TensorView{TensorType{DType::f32, {-1}}, a.storage.data()}, b.view()};
  Tensor good = allocate(TensorType{DType::f32, {2}});
  TensorView out[] = {good.view()};
  expect_error(run_kernel(OpKind::Add, unknown_in, AttrMap{}, out), "Add", "unknown");
  TensorView no_outs[1];
  expect_error(run_kernel(OpKind::Add, in, AttrMap{}, std::span<TensorView>(no_outs, 0)), "Add",
               "results");
}

}  // namespace

TEST(KernelsBinary, NarrowUnsignedArithmeticWrapsModuloWidth) {
  // 65535 * 65535 = 4294836225 = 0xFFFE0001; modulo 2^16 that is 1.
  Result m = run(OpKind::Mul, {make<uint16_t>(DType::u16, {2}, {65535, 300}), make<uint16_t>(DType::u16, {2}, {65535, 300})});
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.outs[0].values<uint16_t>(), (std::vector<uint16_t>{1, static_cast<uint16_t>(90000 % 65536)}));
  Result a = run(OpKind::Add, {make<uint8_t>(DType::u8, {3}, {250, 7, 0}), make<uint8_t>(DType::u8, {1}, {10})});
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.outs[0].values<uint8_t>(), (std::vector<uint8_t>{4, 17, 10}));  // 260 wraps to 4
  Result d = run(OpKind::Div, {make<int8_t>(DType::i8, {2}, {-128, -7}), make<int8_t>(DType::i8, {2}, {-1, 2})});
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.outs[0].values<int8_t>(), (std::vector<int8_t>{-128, -3}));  // min / -1 wraps; truncation
}

TEST(KernelsLayout, MovesEveryElementTypeBySize) {
  // Transpose of a 2x3 bool tensor and Concat of i16: element movement only.
  Result t = run(OpKind::Transpose, {make<uint8_t>(DType::boolean, {2, 3}, {1, 0, 0, 0, 1, 1})});
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.type(), (TensorType{DType::boolean, {3, 2}}));
  EXPECT_EQ(t.outs[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0, 1, 0, 1}));
  Result c = run(OpKind::Concat, {make<int16_t>(DType::i16, {1, 2}, {-1, 2}), make<int16_t>(DType::i16, {1, 1}, {300})},
                 attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.outs[0].values<int16_t>(), (std::vector<int16_t>{-1, 2, 300}));
}
