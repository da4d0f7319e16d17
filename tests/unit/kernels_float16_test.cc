// Tests of f16 and bf16 data in the kernels that run them by widening (run_widened in
// runtime/reference/kernels/float16.cc) and in the element-moving ops, plus the shared
// bfloat16 conversion of float_formats.h.
//
// Expected values are computed here independently of the kernels: the operands' values
// come from the compiler's own _Float16 (f16) or from shifting the bits into a float
// (bf16); the exact result is computed in double with the formula written below, and
// rounded once to the 16-bit type by the compiler's double -> _Float16 conversion or by
// round_bf16 below (frexp + nearbyint, a different method from float_formats.cc's).
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "float_formats.h"
#include "kernel_harness.h"

namespace halo_test {
namespace {

// ---- independent 16-bit float helpers ---------------------------------------------------

uint16_t f16_bits(double v) {
  _Float16 h = static_cast<_Float16>(v);  // one rounding, nearest even (libgcc)
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
double f16_value(uint16_t b) {
  _Float16 h;
  std::memcpy(&h, &b, 2);
  return static_cast<double>(h);
}
double bf16_value(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
// Normal-range values only (what these tests use): 8 significant bits, ties to even.
uint16_t bf16_bits(double v) {
  if (v == 0) return std::signbit(v) ? 0x8000 : 0;
  int e = 0;
  double m = std::frexp(v, &e);  // v = m * 2^e, |m| in [0.5, 1)
  double r = std::ldexp(std::nearbyint(std::ldexp(m, 8)), e - 8);
  float f = static_cast<float>(r);  // exact: r has 8 significant bits
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return static_cast<uint16_t>(u >> 16);
}

struct Kind16 {
  DType dtype;
  uint16_t (*bits)(double);
  double (*value)(uint16_t);
};
const Kind16 kF16{DType::f16, f16_bits, f16_value};
const Kind16 kBF16{DType::bf16, bf16_bits, bf16_value};

Tensor make16(const Kind16& k, Dims dims, const std::vector<double>& values) {
  std::vector<uint16_t> b;
  for (double v : values) b.push_back(k.bits(v));
  return make(k.dtype, std::move(dims), b);
}
std::vector<double> decoded(const Kind16& k, const Tensor& t) {
  std::vector<double> v;
  for (uint16_t b : t.values<uint16_t>()) v.push_back(k.value(b));
  return v;
}
// Each wanted value rounded once, compared bit for bit.
void expect_bits(const Kind16& k, const Result& r, const std::vector<double>& want) {
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.type().dtype, k.dtype);
  std::vector<uint16_t> got = r.get<uint16_t>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], k.bits(want[i])) << "at " << i << ": got " << k.value(got[i]) << ", want " << want[i];
}

class Float16Kernels : public ::testing::TestWithParam<Kind16> {};

// ---- elementwise binary -----------------------------------------------------------------

TEST_P(Float16Kernels, BinaryArithmeticRoundsOnce) {
  const Kind16& k = GetParam();
  Tensor a = make16(k, {2, 3}, {1.5, -2.25, 1000, 0.1, 3, 7.75});
  Tensor b = make16(k, {3}, {0.3, 7, -0.001});
  std::vector<double> x = decoded(k, a), y = decoded(k, b);
  const std::pair<OpKind, std::function<double(double, double)>> ops[] = {
      {OpKind::Add, std::plus<double>()},
      {OpKind::Sub, std::minus<double>()},
      {OpKind::Mul, std::multiplies<double>()},
      {OpKind::Div, std::divides<double>()}};
  for (const auto& [kind, f] : ops) {
    std::vector<double> want;
    for (size_t i = 0; i < 6; ++i) want.push_back(f(x[i], y[i % 3]));
    expect_bits(k, run(kind, {a, b}), want);
  }
}

TEST_P(Float16Kernels, DivisionByZeroAndOverflow) {
  const Kind16& k = GetParam();
  Tensor a = make16(k, {3}, {1, -1, 0});
  Tensor z = make16(k, {3}, {0, 0, 0});
  Result r = run(OpKind::Div, {a, z});
  ASSERT_TRUE(r.error.empty()) << r.error;
  std::vector<uint16_t> got = r.get<uint16_t>();
  uint16_t inf = k.dtype == DType::f16 ? 0x7c00 : 0x7f80;
  EXPECT_EQ(got[0], inf);
  EXPECT_EQ(got[1], inf | 0x8000);
  EXPECT_TRUE(std::isnan(k.value(got[2])));
  if (k.dtype == DType::f16) {  // 60000 + 60000 overflows binary16's 65504
    Tensor big = make16(k, {1}, {60000});
    Result s = run(OpKind::Add, {big, big});
    ASSERT_TRUE(s.error.empty()) << s.error;
    EXPECT_EQ(s.get<uint16_t>()[0], 0x7c00);
  }
}

// ---- unary activations and math ---------------------------------------------------------

TEST_P(Float16Kernels, UnaryOps) {
  const Kind16& k = GetParam();
  Tensor x = make16(k, {5}, {-2.5, -0.3, 0, 0.7, 3.25});
  std::vector<double> v = decoded(k, x);
  auto expect_map = [&](OpKind kind, double (*f)(double), AttrMap a = {}) {
    std::vector<double> want;
    for (double e : v) want.push_back(f(e));
    SCOPED_TRACE(op_schema(kind).name);
    expect_bits(k, run(kind, {x}, std::move(a)), want);
  };
  expect_map(OpKind::Relu, [](double e) { return e < 0 ? 0.0 : e; });
  expect_map(OpKind::Sigmoid, [](double e) { return 1 / (1 + std::exp(-e)); });
  expect_map(OpKind::Tanh, [](double e) { return std::tanh(e); });
  expect_map(OpKind::Exp, [](double e) { return std::exp(e); });
  expect_map(OpKind::Abs, [](double e) { return std::fabs(e); });
  expect_map(OpKind::Neg, [](double e) { return -e; });
  expect_map(OpKind::Erf, [](double e) { return std::erf(e); });
  expect_map(OpKind::Clip, [](double e) { return std::min(std::max(e, -1.0), 2.0); },
             attrs({{"min", -1.0}, {"max", 2.0}}));
  Tensor pos = make16(k, {3}, {2, 0.5, 100});
  Result r = run(OpKind::Sqrt, {pos});
  std::vector<double> p = decoded(k, pos);
  expect_bits(k, r, {std::sqrt(p[0]), std::sqrt(p[1]), std::sqrt(p[2])});
}

// ---- MatMul and Gemm --------------------------------------------------------------------

TEST_P(Float16Kernels, MatMulAndGemm) {
  const Kind16& k = GetParam();
  Tensor a = make16(k, {2, 3}, {1.1, -2, 0.5, 3, 0.25, -1.75});
  Tensor b = make16(k, {3, 2}, {0.3, 1, -4, 2.5, 0.125, 8});
  Tensor c = make16(k, {2}, {0.01, -3});
  std::vector<double> x = decoded(k, a), y = decoded(k, b), z = decoded(k, c);
  std::vector<double> mm(4), gemm(4);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      double s = 0;
      for (int l = 0; l < 3; ++l) s += x[i * 3 + l] * y[l * 2 + j];
      mm[i * 2 + j] = s;
      gemm[i * 2 + j] = 0.5 * s + 2.0 * z[j];
    }
  expect_bits(k, run(OpKind::MatMul, {a, b}), mm);
  expect_bits(k, run(OpKind::Gemm, {a, b, c}, attrs({{"alpha", 0.5}, {"beta", 2.0}})), gemm);
}

// ---- Softmax, LogSoftmax, reductions ----------------------------------------------------

TEST_P(Float16Kernels, SoftmaxAndLogSoftmax) {
  const Kind16& k = GetParam();
  Tensor x = make16(k, {2, 3}, {1, 2, 3, -0.5, 0, 10});
  std::vector<double> v = decoded(k, x), sm, lsm;
  for (int r = 0; r < 2; ++r) {
    double sum = 0;
    for (int c = 0; c < 3; ++c) sum += std::exp(v[r * 3 + c]);
    for (int c = 0; c < 3; ++c) {
      sm.push_back(std::exp(v[r * 3 + c]) / sum);
      lsm.push_back(v[r * 3 + c] - std::log(sum));
    }
  }
  expect_bits(k, run(OpKind::Softmax, {x}), sm);
  expect_bits(k, run(OpKind::LogSoftmax, {x}), lsm);
}

TEST_P(Float16Kernels, Reductions) {
  const Kind16& k = GetParam();
  Tensor x = make16(k, {2, 3}, {1.1, 2.2, 3.3, -0.4, 0.05, 9});
  std::vector<double> v = decoded(k, x);
  AttrMap rows = attrs({{"axes", std::vector<int64_t>{1}}, {"keepdims", int64_t{0}}});
  expect_bits(k, run(OpKind::ReduceSum, {x}, rows), {v[0] + v[1] + v[2], v[3] + v[4] + v[5]});
  expect_bits(k, run(OpKind::ReduceMean, {x}, rows), {(v[0] + v[1] + v[2]) / 3, (v[3] + v[4] + v[5]) / 3});
  expect_bits(k, run(OpKind::ReduceMax, {x}, rows), {v[2], v[5]});
  Result am = run(OpKind::ArgMax, {x}, attrs({{"axis", int64_t{1}}, {"keepdims", int64_t{0}}}));
  ASSERT_TRUE(am.error.empty()) << am.error;
  EXPECT_EQ(am.idx(), (std::vector<int64_t>{2, 2}));
}

TEST_P(Float16Kernels, CumSumAndHardmax) {
  const Kind16& k = GetParam();
  Tensor x = make16(k, {2, 3}, {1.1, 2.2, 3.3, -0.4, 9, 0.05});
  std::vector<double> v = decoded(k, x);
  expect_bits(k, run(OpKind::CumSum, {x}, attrs({{"axis", int64_t{1}}})),
              {v[0], v[0] + v[1], v[0] + v[1] + v[2], v[3], v[3] + v[4], v[3] + v[4] + v[5]});
  expect_bits(k, run(OpKind::Hardmax, {x}), {0, 0, 1, 0, 1, 0});
}

// ---- Attention and RotaryEmbedding ------------------------------------------------------

TEST_P(Float16Kernels, AttentionWidened) {
  const Kind16& k = GetParam();
  // One query against two keys, head size 2: softmax(q.k_t / sqrt(2)) weighs the values.
  Tensor q = make16(k, {1, 1, 1, 2}, {0.7, -1.3});
  Tensor kk = make16(k, {1, 1, 2, 2}, {1.5, 0.25, -0.5, 2});
  Tensor vv = make16(k, {1, 1, 2, 2}, {3, -1, 0.1, 4.5});
  std::vector<double> qv = decoded(k, q), kv = decoded(k, kk), vv_ = decoded(k, vv);
  double s0 = (qv[0] * kv[0] + qv[1] * kv[1]) / std::sqrt(2.0);
  double s1 = (qv[0] * kv[2] + qv[1] * kv[3]) / std::sqrt(2.0);
  double w0 = 1 / (1 + std::exp(s1 - s0)), w1 = 1 - w0;
  expect_bits(k, run(OpKind::Attention, {q, kk, vv}), {w0 * vv_[0] + w1 * vv_[2], w0 * vv_[1] + w1 * vv_[3]});
}

TEST_P(Float16Kernels, RotaryEmbeddingWidened) {
  const Kind16& k = GetParam();
  // [B=1, H=1, S=1, hs=4], caches [B, S, hs/2]: pairs (x0, x2) and (x1, x3) rotate.
  Tensor x = make16(k, {1, 1, 1, 4}, {1, 2, -3, 0.5});
  Tensor cs = make16(k, {1, 1, 2}, {std::cos(0.3), std::cos(1.1)});
  Tensor sn = make16(k, {1, 1, 2}, {std::sin(0.3), std::sin(1.1)});
  std::vector<double> v = decoded(k, x), c = decoded(k, cs), s = decoded(k, sn);
  expect_bits(k, run(OpKind::RotaryEmbedding, {x, cs, sn}),
              {c[0] * v[0] - s[0] * v[2], c[1] * v[1] - s[1] * v[3], s[0] * v[0] + c[0] * v[2],
               s[1] * v[1] + c[1] * v[3]});
}

// ---- ops that only move elements: the bits pass unchanged -------------------------------

TEST_P(Float16Kernels, ElementMovingOpsKeepBits) {
  const Kind16& k = GetParam();
  // A NaN with a payload and -0 show that nothing is converted on the way.
  std::vector<uint16_t> bits = {0x7e01, 0x8000, k.bits(1.5), k.bits(-3), k.bits(0.1), 0x0001};
  Tensor x = make(k.dtype, {2, 3}, bits);
  Result id = run(OpKind::Identity, {x});
  ASSERT_TRUE(id.error.empty()) << id.error;
  EXPECT_EQ(id.get<uint16_t>(), bits);
  Result re = run(OpKind::Reshape, {x}, attrs({{"shape", std::vector<int64_t>{3, 2}}}));
  ASSERT_TRUE(re.error.empty()) << re.error;
  EXPECT_EQ(re.get<uint16_t>(), bits);
  Result tr = run(OpKind::Transpose, {x}, attrs({{"perm", std::vector<int64_t>{1, 0}}}));
  ASSERT_TRUE(tr.error.empty()) << tr.error;
  EXPECT_EQ(tr.get<uint16_t>(), (std::vector<uint16_t>{bits[0], bits[3], bits[1], bits[4], bits[2], bits[5]}));
  Result cc = run(OpKind::Concat, {x, x}, attrs({{"axis", int64_t{0}}}));
  ASSERT_TRUE(cc.error.empty()) << cc.error;
  std::vector<uint16_t> twice = bits;
  twice.insert(twice.end(), bits.begin(), bits.end());
  EXPECT_EQ(cc.get<uint16_t>(), twice);
}

INSTANTIATE_TEST_SUITE_P(F16AndBF16, Float16Kernels, ::testing::Values(kF16, kBF16),
                         [](const auto& info) { return info.param.dtype == DType::f16 ? "f16" : "bf16"; });

// The one-byte types move through the same ops unchanged.
TEST(NarrowTypes, ElementMovingOpsKeepBytes) {
  for (DType t : {DType::f8e4m3fn, DType::f8e5m2, DType::f8e8m0, DType::i4, DType::u4, DType::f4e2m1}) {
    SCOPED_TRACE(dtype_name(t));
    std::vector<uint8_t> bytes = {0x01, 0x07, 0x03, 0x02};
    Tensor x = make(t, {2, 2}, bytes);
    Result tr = run(OpKind::Transpose, {x});
    ASSERT_TRUE(tr.error.empty()) << tr.error;
    EXPECT_EQ(tr.get<uint8_t>(), (std::vector<uint8_t>{0x01, 0x03, 0x07, 0x02}));
    Result id = run(OpKind::Identity, {x});
    ASSERT_TRUE(id.error.empty()) << id.error;
    EXPECT_EQ(id.get<uint8_t>(), bytes);
  }
}

// Slice, Gather, Tile, Expand, Pad, Trilu and Split move one-byte elements by storage size
// too; Pad's and Trilu's zero fill is the all-zero byte (0 in these types, which is why
// f8e8m0, whose zero byte means 2^-127, is not listed for them).
TEST(NarrowTypes, MoreElementMovingOps) {
  for (DType t : {DType::f8e4m3fn, DType::f8e5m2fnuz, DType::i4, DType::u4, DType::f4e2m1}) {
    SCOPED_TRACE(dtype_name(t));
    Tensor x = make(t, {2, 2}, std::vector<uint8_t>{0x01, 0x02, 0x03, 0x04});
    auto bytes = [](const Result& r, size_t i = 0) {
      EXPECT_TRUE(r.error.empty()) << r.error;
      return r.error.empty() ? r.get<uint8_t>(i) : std::vector<uint8_t>{};
    };
    EXPECT_EQ(bytes(run(OpKind::Slice, {x}, attrs({{"starts", std::vector<int64_t>{1}},
                                                    {"ends", std::vector<int64_t>{2}},
                                                    {"axes", std::vector<int64_t>{1}}}))),
              (std::vector<uint8_t>{0x02, 0x04}));
    EXPECT_EQ(bytes(run(OpKind::Gather, {x, i64({2}, {1, 0})})), (std::vector<uint8_t>{0x03, 0x04, 0x01, 0x02}));
    EXPECT_EQ(bytes(run(OpKind::Tile, {x}, attrs({{"repeats", std::vector<int64_t>{1, 2}}}))),
              (std::vector<uint8_t>{0x01, 0x02, 0x01, 0x02, 0x03, 0x04, 0x03, 0x04}));
    EXPECT_EQ(bytes(run(OpKind::Expand, {x}, attrs({{"shape", std::vector<int64_t>{2, 2, 2}}}))),
              (std::vector<uint8_t>{0x01, 0x02, 0x03, 0x04, 0x01, 0x02, 0x03, 0x04}));
    EXPECT_EQ(bytes(run(OpKind::Pad, {x}, attrs({{"pads", std::vector<int64_t>{0, 1, 0, 0}}}))),
              (std::vector<uint8_t>{0x00, 0x01, 0x02, 0x00, 0x03, 0x04}));
    EXPECT_EQ(bytes(run(OpKind::Trilu, {x})), (std::vector<uint8_t>{0x01, 0x02, 0x00, 0x04}));
    Result sp = run(OpKind::Split, {x}, attrs({{"num_outputs", int64_t{2}}}));
    EXPECT_EQ(bytes(sp, 0), (std::vector<uint8_t>{0x01, 0x02}));
    EXPECT_EQ(bytes(sp, 1), (std::vector<uint8_t>{0x03, 0x04}));
  }
}

// ---- the shared conversion (float_formats.h) --------------------------------------------

TEST(Float16Conversion, BFloat16RoundsOnceToNearestEven) {
  EXPECT_EQ(float16_from(DType::bf16, 1.0L), 0x3f80);
  EXPECT_EQ(float16_from(DType::bf16, 1.0L + std::ldexp(1.0L, -8)), 0x3f80);      // tie to even
  EXPECT_EQ(float16_from(DType::bf16, 1.0L + 3 * std::ldexp(1.0L, -8)), 0x3f82);  // tie to even, up
  EXPECT_EQ(float16_from(DType::bf16, 1.0L + std::ldexp(1.0L, -8) + std::ldexp(1.0L, -40)), 0x3f81);
  EXPECT_EQ(float16_from(DType::bf16, -2.0L), 0xc000);
  EXPECT_EQ(float16_from(DType::bf16, std::ldexp(1.0L, -133)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float16_from(DType::bf16, 1e39L), 0x7f80);                   // overflow: infinity
  EXPECT_EQ(float16_from(DType::bf16, -std::numeric_limits<long double>::infinity()), 0xff80);
  EXPECT_TRUE(std::isnan(float16_to_double(DType::bf16, float16_from(DType::bf16, std::nanl("")))));
  // 2^63 - 1 rounds once, to 2^63 (through double it would round twice to the same, but
  // 2^62 + 2^54 + 1, just above a tie, shows the single rounding: up, not to even).
  EXPECT_EQ(float16_from(DType::bf16, static_cast<long double>(INT64_MAX)), 0x5f00);
  long double above_tie = std::ldexp(1.0L, 62) + std::ldexp(1.0L, 54) + 1;
  EXPECT_EQ(float16_from(DType::bf16, above_tie), 0x5e81);
  EXPECT_EQ(float16_to_double(DType::bf16, 0x3fc0), 1.5);
  EXPECT_EQ(float16_to_double(DType::bf16, 0x0001), std::ldexp(1.0, -133));
}

TEST(Float16Conversion, HalfAgreesWithTheCompiler) {
  for (double v : {0.1, -65504.0, 65519.0, 65520.0, 6e-8, 3e-8, 1.0 / 3, 2049.0, 2051.0}) {
    EXPECT_EQ(float16_from(DType::f16, v), f16_bits(v)) << v;
    EXPECT_EQ(half_from_double(v), f16_bits(v)) << v;
  }
  for (uint32_t b = 0; b < 0x10000; ++b) {
    double want = f16_value(static_cast<uint16_t>(b));
    double got = float16_to_double(DType::f16, static_cast<uint16_t>(b));
    if (std::isnan(want))
      EXPECT_TRUE(std::isnan(got)) << b;
    else
      EXPECT_EQ(got, want) << b;
  }
}

}  // namespace
}  // namespace halo_test
