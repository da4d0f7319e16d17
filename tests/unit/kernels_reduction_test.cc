// kernels_reduction_test.cc - the reduction family's reference semantics (Reduce*,
// ArgMax/ArgMin, CumSum, LogSoftmax, Hardmax) on small hand-checked cases.
//
// Expected values are worked out by hand (the ONNX operator documentation's examples) or
// computed by an independent plain loop written here; they never come from the kernels
// themselves. Error cases check one-line messages naming the op.
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

// ---- harness --------------------------------------------------------------------------

// A deterministic, irregular f32 tensor: value i is sin(i * 1.7) * 3.
Tensor wave(Dims dims) {
  TensorType t{DType::f32, dims};
  std::vector<float> v(static_cast<size_t>(t.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(std::sin(static_cast<double>(i) * 1.7) * 3);
  return f32(std::move(dims), v);
}

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The ONNX documentation's example data, shape [3, 2, 2].
Tensor onnx_example() { return f32({3, 2, 2}, {5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2}); }

// ---- Reduce*: shapes ------------------------------------------------------------------

TEST(KernelsReduction, ReduceSumDocExampleKeepdimsAndNot) {
  Result r = run(OpKind::ReduceSum, {onnx_example()}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {3, 1, 2}}));
  expect_close(r.f(), {25, 3, 70, 3, 115, 3});
  Result n = run(OpKind::ReduceSum, {onnx_example()}, attrs({{"axes", Dims{-2}}, {"keepdims", int64_t{0}}}));
  ASSERT_EQ(n.error, "");
  EXPECT_EQ(n.type().dims, (Dims{3, 2}));
  expect_close(n.f(), {25, 3, 70, 3, 115, 3});
}

TEST(KernelsReduction, EmptyAxesReduceEverythingUnlessNoop) {
  Result all = run(OpKind::ReduceSum, {onnx_example()});
  ASSERT_EQ(all.error, "");
  EXPECT_EQ(all.type().dims, (Dims{1, 1, 1}));
  expect_close(all.f(), {219});
  Result scalar = run(OpKind::ReduceMax, {onnx_example()}, attrs({{"keepdims", int64_t{0}}}));
  ASSERT_EQ(scalar.error, "");
  EXPECT_EQ(scalar.type().dims, Dims{});
  expect_close(scalar.f(), {60});
  Result noop = run(OpKind::ReduceMean, {onnx_example()}, attrs({{"noop_with_empty_axes", int64_t{1}}}));
  ASSERT_EQ(noop.error, "");
  EXPECT_EQ(noop.type().dims, (Dims{3, 2, 2}));
  expect_close(noop.f(), {5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2});
  // noop_with_empty_axes has no effect when axes are given.
  Result given = run(OpKind::ReduceMean, {onnx_example()},
                     attrs({{"axes", Dims{0, 1}}, {"noop_with_empty_axes", int64_t{1}}}));
  ASSERT_EQ(given.error, "");
  expect_close(given.f(), {35, 1.5});
}

TEST(KernelsReduction, ScalarOperand) {
  Result r = run(OpKind::ReduceSumSquare, {f32({}, {-3})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, Dims{});
  expect_close(r.f(), {9});
}

TEST(KernelsReduction, UnknownExtentsFlowThrough) {
  std::vector<TensorType> outs;
  ASSERT_EQ(infer(OpKind::ReduceL2, {{DType::f32, {-1, 3, 4}}}, attrs({{"axes", Dims{1}}}), outs), "");
  EXPECT_EQ(outs[0].dims, (Dims{-1, 1, 4}));
  ASSERT_EQ(infer(OpKind::ArgMin, {{DType::f64, {-1, 3}}}, attrs({{"axis", int64_t{1}}, {"keepdims", int64_t{0}}}), outs), "");
  EXPECT_EQ(outs[0], (TensorType{DType::i64, {-1}}));
}

// ---- Reduce*: every op against a plain loop --------------------------------------------

// Reference over axes {0, 2} of a [2,3,4] tensor, result [1,3,1]: a direct formula per op.
std::vector<double> reference_over_0_and_2(OpKind kind, const std::vector<float>& x) {
  std::vector<double> out;
  for (int j = 0; j < 3; ++j) {
    std::vector<double> set;
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k) set.push_back(x[static_cast<size_t>(i * 12 + j * 4 + k)]);
    double sum = 0, prod = 1, l1 = 0, sq = 0, mx = -kInf, mn = kInf, exps = 0;
    for (double v : set) {
      sum += v, prod *= v, l1 += std::fabs(v), sq += v * v;
      mx = std::max(mx, v), mn = std::min(mn, v), exps += std::exp(v);
    }
    switch (kind) {
      case OpKind::ReduceSum: out.push_back(sum); break;
      case OpKind::ReduceMean: out.push_back(sum / 8); break;
      case OpKind::ReduceMax: out.push_back(mx); break;
      case OpKind::ReduceMin: out.push_back(mn); break;
      case OpKind::ReduceProd: out.push_back(prod); break;
      case OpKind::ReduceL1: out.push_back(l1); break;
      case OpKind::ReduceL2: out.push_back(std::sqrt(sq)); break;
      case OpKind::ReduceLogSum: out.push_back(std::log(sum)); break;
      case OpKind::ReduceLogSumExp: out.push_back(std::log(exps)); break;
      case OpKind::ReduceSumSquare: out.push_back(sq); break;
      default: break;
    }
  }
  return out;
}

TEST(KernelsReduction, EveryFloatOpMatchesLoop) {
  for (OpKind kind : {OpKind::ReduceSum, OpKind::ReduceMean, OpKind::ReduceMax, OpKind::ReduceMin,
                      OpKind::ReduceProd, OpKind::ReduceL1, OpKind::ReduceL2, OpKind::ReduceLogSum,
                      OpKind::ReduceLogSumExp, OpKind::ReduceSumSquare}) {
    SCOPED_TRACE(op_schema(kind).name);
    Tensor x = wave({2, 3, 4});
    if (kind == OpKind::ReduceLogSum) {  // positive data for the logarithm
      std::vector<float> v = x.values<float>();
      for (float& e : v) e = std::fabs(e) + 0.5f;
      x = f32({2, 3, 4}, v);
    }
    std::vector<double> want = reference_over_0_and_2(kind, x.values<float>());
    Result r = run(kind, {x}, attrs({{"axes", Dims{2, 0}}}));
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.type(), (TensorType{DType::f32, {1, 3, 1}}));
    expect_close(r.f(), want);
  }
}

TEST(KernelsReduction, F64ComputesInDouble) {
  // 1 + 1e-15 is representable in double but not in float.
  Result r = run(OpKind::ReduceSum, {f64({2}, {1.0, 1e-15})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.d()[0], 1.0 + 1e-15);
  Result l = run(OpKind::ReduceLogSumExp, {f64({3, 2, 2}, {5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2})},
                 attrs({{"axes", Dims{1}}, {"keepdims", int64_t{0}}}));
  ASSERT_EQ(l.error, "");
  // log(exp(5) + exp(20)), log(exp(1) + exp(2)), ...: the ONNX documentation's example.
  std::vector<double> want = {std::log(std::exp(5.0) + std::exp(20.0)), std::log(std::exp(1.0) + std::exp(2.0)),
                              std::log(std::exp(30.0) + std::exp(40.0)), std::log(std::exp(1.0) + std::exp(2.0)),
                              std::log(std::exp(55.0) + std::exp(60.0)), std::log(std::exp(1.0) + std::exp(2.0))};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(l.d()[i], want[i], 1e-12);
}

TEST(KernelsReduction, LogSumExpIsStableAndHandlesInfinities) {
  Result big = run(OpKind::ReduceLogSumExp, {f32({2, 2}, {1000, 1000, -1000, -1000})},
                   attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(big.error, "");
  expect_close(big.f(), {1000 + std::log(2.0), -1000 + std::log(2.0)});
  float inf = std::numeric_limits<float>::infinity();
  Result r = run(OpKind::ReduceLogSumExp,
                 {f32({4, 2}, {-inf, -inf, inf, 1, -inf, 3, std::nanf(""), 1})}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {-kInf, kInf, 3, kNaN});
}

TEST(KernelsReduction, MaxAndMinPropagateNaN) {
  float nan = std::nanf("");
  Result mx = run(OpKind::ReduceMax, {f32({2, 3}, {1, nan, 3, 4, 5, 6})}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(mx.error, "");
  expect_close(mx.f(), {kNaN, 6});
  Result mn = run(OpKind::ReduceMin, {f32({2, 3}, {nan, 1, 0, 4, -5, 6})}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(mn.error, "");
  expect_close(mn.f(), {kNaN, -5});
}

// ---- Reduce*: empty sets -----------------------------------------------------------------

TEST(KernelsReduction, EmptySetGivesTheIdentity) {
  // [2, 0, 4] reduced over axis 1: eight results, each over no element (ONNX node tests
  // test_reduce_*_empty_set).
  struct Case {
    OpKind kind;
    double want;
  };
  for (Case c : {Case{OpKind::ReduceSum, 0}, Case{OpKind::ReduceProd, 1}, Case{OpKind::ReduceMax, -kInf},
                 Case{OpKind::ReduceMin, kInf}, Case{OpKind::ReduceL1, 0}, Case{OpKind::ReduceL2, 0},
                 Case{OpKind::ReduceLogSum, -kInf}, Case{OpKind::ReduceLogSumExp, -kInf},
                 Case{OpKind::ReduceSumSquare, 0}, Case{OpKind::ReduceMean, kNaN}}) {
    SCOPED_TRACE(op_schema(c.kind).name);
    Result r = run(c.kind, {f32({2, 0, 4}, {})}, attrs({{"axes", Dims{1}}}));
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.type().dims, (Dims{2, 1, 4}));
    expect_close(r.f(), std::vector<double>(8, c.want));
  }
  Result imax = run(OpKind::ReduceMax, {i32({0, 2}, {})}, attrs({{"axes", Dims{0}}}));
  ASSERT_EQ(imax.error, "");
  EXPECT_EQ(imax.outs[0].values<int32_t>(), (std::vector<int32_t>{INT32_MIN, INT32_MIN}));
  Result umin = run(OpKind::ReduceMin, {u8({0}, {})}, attrs({{"keepdims", int64_t{0}}}));
  ASSERT_EQ(umin.error, "");
  EXPECT_EQ(umin.outs[0].values<uint8_t>(), (std::vector<uint8_t>{255}));
}

TEST(KernelsReduction, EmptyResultWhenAKeptAxisIsEmpty) {
  // test_reduce_sum_empty_set_non_reduced_axis_zero: [2, 0, 4] over axis 2 -> [2, 0, 1].
  Result r = run(OpKind::ReduceSum, {f32({2, 0, 4}, {})}, attrs({{"axes", Dims{2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 0, 1}));
}

// ---- Reduce*: integers and bool ------------------------------------------------------------

TEST(KernelsReduction, IntegerSumsAreExactAndWrap) {
  const int64_t big = (int64_t{1} << 60) + 1;  // not representable in double
  Result s = run(OpKind::ReduceSum, {i64({3}, {big, 2, -1})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.idx(), (std::vector<int64_t>{big + 1}));
  Result w = run(OpKind::ReduceSum, {i32({2}, {INT32_MAX, 1})});
  ASSERT_EQ(w.error, "");
  EXPECT_EQ(w.outs[0].values<int32_t>(), (std::vector<int32_t>{INT32_MIN}));
  Result p = run(OpKind::ReduceProd, {i64({2, 2}, {big, 3, -4, 5})}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.idx(), (std::vector<int64_t>{3 * big, -20}));
  Result pw = run(OpKind::ReduceProd, {i8({3}, {16, 16, -3})});  // 256 wraps to 0 in int8
  ASSERT_EQ(pw.error, "");
  EXPECT_EQ(pw.outs[0].values<int8_t>(), (std::vector<int8_t>{0}));
  Result l1 = run(OpKind::ReduceL1, {i32({3}, {-7, 2, -1})});
  ASSERT_EQ(l1.error, "");
  EXPECT_EQ(l1.outs[0].values<int32_t>(), (std::vector<int32_t>{10}));
  Result sq = run(OpKind::ReduceSumSquare, {i64({2, 2}, {-3, 4, 5, 6})}, attrs({{"axes", Dims{0}}}));
  ASSERT_EQ(sq.error, "");
  EXPECT_EQ(sq.idx(), (std::vector<int64_t>{34, 52}));
}

TEST(KernelsReduction, IntegerMaxMinUseTheElementType) {
  Result mx = run(OpKind::ReduceMax, {i8({2, 2}, {-128, -5, 7, 127})}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(mx.error, "");
  EXPECT_EQ(mx.outs[0].values<int8_t>(), (std::vector<int8_t>{-5, 127}));
  Result mn = run(OpKind::ReduceMin, {u8({2, 2}, {200, 255, 3, 9})}, attrs({{"axes", Dims{0}}}));
  ASSERT_EQ(mn.error, "");
  EXPECT_EQ(mn.outs[0].values<uint8_t>(), (std::vector<uint8_t>{3, 9}));
  const int64_t big = (int64_t{1} << 60);
  Result m64 = run(OpKind::ReduceMax, {i64({2}, {big + 1, big})});  // equal as doubles
  ASSERT_EQ(m64.error, "");
  EXPECT_EQ(m64.idx(), (std::vector<int64_t>{big + 1}));
}

TEST(KernelsReduction, BoolMaxIsAnyMinIsAll) {
  // test_reduce_max_bool_inputs / test_reduce_min_bool_inputs data.
  Tensor x = boolean({4, 2}, {1, 1, 1, 0, 0, 1, 0, 0});
  Result mx = run(OpKind::ReduceMax, {x}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(mx.error, "");
  EXPECT_EQ(mx.type(), (TensorType{DType::boolean, {4, 1}}));
  EXPECT_EQ(mx.outs[0].values<uint8_t>(), (std::vector<uint8_t>{1, 1, 1, 0}));
  Result mn = run(OpKind::ReduceMin, {x}, attrs({{"axes", Dims{1}}}));
  ASSERT_EQ(mn.error, "");
  EXPECT_EQ(mn.outs[0].values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0, 0}));
}

TEST(KernelsReduction, ReduceErrors) {
  expect_error(run(OpKind::ReduceSum, {onnx_example()}, attrs({{"axes", Dims{3}}})).error, "ReduceSum",
               "axis 3 is out of range for rank 3");
  expect_error(run(OpKind::ReduceMax, {onnx_example()}, attrs({{"axes", Dims{-4}}})).error, "ReduceMax",
               "out of range");
  expect_error(run(OpKind::ReduceMin, {onnx_example()}, attrs({{"axes", Dims{1, -2}}})).error, "ReduceMin",
               "axis -2 is listed twice in [1,-2]");
  expect_error(run(OpKind::ReduceMean, {i32({2}, {1, 2})}).error, "ReduceMean", "i32");
  expect_error(run(OpKind::ReduceL2, {boolean({2}, {1, 0})}).error, "ReduceL2", "bool");
  expect_error(run(OpKind::ReduceSum, {boolean({2}, {1, 0})}).error, "ReduceSum", "bool");
}

// ---- ArgMax / ArgMin ------------------------------------------------------------------------

TEST(KernelsReduction, ArgMaxArgMinDocExamples) {
  Tensor x = f32({2, 2}, {2, 1, 3, 10});
  Result a = run(OpKind::ArgMax, {x}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.type(), (TensorType{DType::i64, {2, 1}}));
  EXPECT_EQ(a.idx(), (std::vector<int64_t>{0, 1}));
  Result d = run(OpKind::ArgMax, {x});  // default axis 0, keepdims 1
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.type().dims, (Dims{1, 2}));
  EXPECT_EQ(d.idx(), (std::vector<int64_t>{1, 1}));
  Result n = run(OpKind::ArgMin, {x}, attrs({{"axis", int64_t{-1}}, {"keepdims", int64_t{0}}}));
  ASSERT_EQ(n.error, "");
  EXPECT_EQ(n.type().dims, (Dims{2}));
  EXPECT_EQ(n.idx(), (std::vector<int64_t>{1, 0}));
}

TEST(KernelsReduction, ArgSelectLastIndexOnTies) {
  Tensor x = f32({2, 2}, {2, 2, 3, 10});
  Result first = run(OpKind::ArgMax, {x}, attrs({{"axis", int64_t{1}}}));
  EXPECT_EQ(first.idx(), (std::vector<int64_t>{0, 1}));
  Result last = run(OpKind::ArgMax, {x}, attrs({{"axis", int64_t{1}}, {"select_last_index", int64_t{1}}}));
  ASSERT_EQ(last.error, "");
  EXPECT_EQ(last.idx(), (std::vector<int64_t>{1, 1}));
  Result min_last = run(OpKind::ArgMin, {i32({2, 3}, {4, 1, 1, 7, 7, 9})},
                        attrs({{"axis", int64_t{1}}, {"select_last_index", int64_t{1}}}));
  ASSERT_EQ(min_last.error, "");
  EXPECT_EQ(min_last.idx(), (std::vector<int64_t>{2, 1}));
}

TEST(KernelsReduction, ArgMaxMiddleAxisMatchesLoop) {
  Tensor x = wave({2, 3, 4});
  std::vector<float> v = x.values<float>();
  Result r = run(OpKind::ArgMax, {x}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{2, 1, 4}));
  std::vector<int64_t> want;
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 4; ++k) {
      int64_t best = 0;
      for (int j = 1; j < 3; ++j)
        if (v[static_cast<size_t>(i * 12 + j * 4 + k)] > v[static_cast<size_t>(i * 12 + best * 4 + k)]) best = j;
      want.push_back(best);
    }
  EXPECT_EQ(r.idx(), want);
}

TEST(KernelsReduction, ArgNaNWinsAsInNumPy) {
  float nan = std::nanf("");
  // np.argmax([1, nan, 5, nan]) == 1 and np.argmin(...) == 1: the first NaN.
  Tensor x = f32({4}, {1, nan, 5, nan});
  EXPECT_EQ(run(OpKind::ArgMax, {x}).idx(), (std::vector<int64_t>{1}));
  EXPECT_EQ(run(OpKind::ArgMin, {x}).idx(), (std::vector<int64_t>{1}));
  EXPECT_EQ(run(OpKind::ArgMax, {x}, attrs({{"select_last_index", int64_t{1}}})).idx(), (std::vector<int64_t>{3}));
}

TEST(KernelsReduction, ArgOnWideIntegersIsExact) {
  const int64_t big = int64_t{1} << 60;
  Result r = run(OpKind::ArgMax, {i64({3}, {big, big + 1, big})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.idx(), (std::vector<int64_t>{1}));
  Result u = run(OpKind::ArgMin, {u8({3}, {200, 3, 255})});
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.idx(), (std::vector<int64_t>{1}));
}

TEST(KernelsReduction, ArgErrors) {
  expect_error(run(OpKind::ArgMax, {f32({2, 2}, {1, 2, 3, 4})}, attrs({{"axis", int64_t{2}}})).error, "ArgMax",
               "axis 2 is out of range for rank 2");
  expect_error(run(OpKind::ArgMin, {f32({}, {1})}).error, "ArgMin", "out of range for rank 0");
  expect_error(run(OpKind::ArgMax, {f32({2, 0}, {})}, attrs({{"axis", int64_t{1}}})).error, "ArgMax",
               "is empty");
  // An empty axis is fine when the result is empty anyway.
  Result e = run(OpKind::ArgMax, {f32({0, 0}, {})}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.type().dims, (Dims{0, 1}));
}

// ---- CumSum -----------------------------------------------------------------------------------

TEST(KernelsReduction, CumSumModes) {
  // The ONNX documentation's examples on [1, 2, 3, 4, 5].
  auto x = [] { return f64({5}, {1, 2, 3, 4, 5}); };
  Result plain = run(OpKind::CumSum, {x()}, attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(plain.error, "");
  EXPECT_EQ(plain.d(), (std::vector<double>{1, 3, 6, 10, 15}));
  Result excl = run(OpKind::CumSum, {x()}, attrs({{"axis", int64_t{0}}, {"exclusive", int64_t{1}}}));
  EXPECT_EQ(excl.d(), (std::vector<double>{0, 1, 3, 6, 10}));
  Result rev = run(OpKind::CumSum, {x()}, attrs({{"axis", int64_t{0}}, {"reverse", int64_t{1}}}));
  EXPECT_EQ(rev.d(), (std::vector<double>{15, 14, 12, 9, 5}));
  Result both = run(OpKind::CumSum, {x()},
                    attrs({{"axis", int64_t{0}}, {"exclusive", int64_t{1}}, {"reverse", int64_t{1}}}));
  EXPECT_EQ(both.d(), (std::vector<double>{14, 12, 9, 5, 0}));
}

TEST(KernelsReduction, CumSumAxes) {
  auto x = [] { return f32({2, 3}, {1, 2, 3, 4, 5, 6}); };
  Result a0 = run(OpKind::CumSum, {x()}, attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(a0.error, "");
  expect_close(a0.f(), {1, 2, 3, 5, 7, 9});
  Result a1 = run(OpKind::CumSum, {x()}, attrs({{"axis", int64_t{1}}}));
  expect_close(a1.f(), {1, 3, 6, 4, 9, 15});
  Result neg = run(OpKind::CumSum, {x()}, attrs({{"axis", int64_t{-1}}}));
  expect_close(neg.f(), {1, 3, 6, 4, 9, 15});
  Result i = run(OpKind::CumSum, {i32({2, 3}, {1, 2, 3, INT32_MAX, 1, 0})}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(i.error, "");
  EXPECT_EQ(i.outs[0].values<int32_t>(), (std::vector<int32_t>{1, 3, 6, INT32_MAX, INT32_MIN, INT32_MIN}));
}

TEST(KernelsReduction, CumSumErrors) {
  expect_error(run(OpKind::CumSum, {f32({2}, {1, 2})}, attrs({{"axis", int64_t{1}}})).error, "CumSum",
               "axis 1 is out of range for rank 1");
  expect_error(run(OpKind::CumSum, {i8({2}, {1, 2})}, attrs({{"axis", int64_t{0}}})).error, "CumSum", "i8");
}

// ---- LogSoftmax / Hardmax ---------------------------------------------------------------------

TEST(KernelsReduction, LogSoftmaxMatchesFormula) {
  // test_logsoftmax_example_1: [[-1, 0, 1]] -> [[-2.4076, -1.4076, -0.4076]].
  Result r = run(OpKind::LogSoftmax, {f32({1, 3}, {-1, 0, 1})});
  ASSERT_EQ(r.error, "");
  double lse = std::log(std::exp(-1.0) + std::exp(0.0) + std::exp(1.0));
  expect_close(r.f(), {-1 - lse, 0 - lse, 1 - lse});
  // Axis 0 of [2, 2]: columns normalize.
  Result c = run(OpKind::LogSoftmax, {f32({2, 2}, {0, 1, 2, 5})}, attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(c.error, "");
  double l0 = std::log(std::exp(0.0) + std::exp(2.0)), l1 = std::log(std::exp(1.0) + std::exp(5.0));
  expect_close(c.f(), {0 - l0, 1 - l1, 2 - l0, 5 - l1});
}

TEST(KernelsReduction, LogSoftmaxLargeNumbersDoNotOverflow) {
  // test_logsoftmax_large_number's first row.
  Result r = run(OpKind::LogSoftmax, {f32({4}, {0.0001f, 10000, 10001, 10002})});
  ASSERT_EQ(r.error, "");
  double lse = 10002 + std::log(std::exp(-2.0) + std::exp(-1.0) + 1.0);
  expect_close(r.f(), {0.0001 - lse, 10000 - lse, 10001 - lse, 10002 - lse}, 1e-4);
}

TEST(KernelsReduction, HardmaxPicksTheFirstMaximum) {
  // test_hardmax_example and test_hardmax_one_hot (ties: the first one wins).
  Result r = run(OpKind::Hardmax, {f32({4, 4}, {3, 0, 1, 2, 2, 5, 1, 0, 0, 1, 3, 2, 0, 1, 2, 3})});
  ASSERT_EQ(r.error, "");
  expect_close(r.f(), {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});
  Result tie = run(OpKind::Hardmax, {f32({1, 4}, {0, 0, 0, 0})});
  expect_close(tie.f(), {1, 0, 0, 0});
  Result col = run(OpKind::Hardmax, {f64({2, 2}, {1, 7, 3, 2})}, attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(col.error, "");
  EXPECT_EQ(col.d(), (std::vector<double>{0, 1, 1, 0}));
}

TEST(KernelsReduction, AxisOpErrors) {
  expect_error(run(OpKind::LogSoftmax, {f32({2}, {1, 2})}, attrs({{"axis", int64_t{-2}}})).error, "LogSoftmax",
               "axis -2 is out of range for rank 1");
  expect_error(run(OpKind::Hardmax, {f32({}, {1})}).error, "Hardmax", "out of range for rank 0");
  expect_error(run(OpKind::Hardmax, {i32({2}, {1, 2})}).error, "Hardmax", "i32");
}

}  // namespace
