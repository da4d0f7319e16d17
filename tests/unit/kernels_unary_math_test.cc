// kernels_unary_math_test.cc - the reference kernels of ops/unary_math.toml on cases
// checked by hand.
//
// As in kernels_test.cc, the oracle never checks itself: expected values are worked out
// by hand (16-bit float bit patterns, rounding ties, integer wrap-around), taken from
// published constants, or computed here by the textbook formula in long double, which is
// independent of the kernel's (numerically rearranged) double code.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "semantics.h"

namespace {

using namespace halo::sem;
using Dims = std::vector<int64_t>;

// ---- harness (the shape of kernels_test.cc's, for this family) --------------------------

struct Tensor {
  TensorType type;
  std::vector<double> storage;  // 8-byte aligned, large enough for any element type

  TensorView view() { return {type, storage.empty() ? nullptr : storage.data()}; }
  template <typename T>
  std::vector<T> values() const {
    std::vector<T> v(static_cast<size_t>(type.num_elements()));
    if (!v.empty()) std::memcpy(v.data(), storage.data(), v.size() * sizeof(T));
    return v;
  }
};

Tensor allocate(TensorType type) {
  size_t bytes = static_cast<size_t>(type.num_bytes());
  return {std::move(type), std::vector<double>((bytes + 7) / 8)};
}

template <typename T>
Tensor make(DType dtype, const std::vector<T>& values) {
  Tensor t = allocate(TensorType{dtype, {static_cast<int64_t>(values.size())}});
  EXPECT_EQ(dtype_size(dtype), sizeof(T));
  if (!values.empty()) std::memcpy(t.storage.data(), values.data(), values.size() * sizeof(T));
  return t;
}

Tensor f32(const std::vector<float>& v) { return make(DType::f32, v); }
Tensor f64(const std::vector<double>& v) { return make(DType::f64, v); }

struct Result {
  std::string error;
  TensorType type;
  Tensor out;
  template <typename T>
  std::vector<T> values() const {
    return out.values<T>();
  }
};

// What a caller does: fill defaults, infer the result type, allocate, run.
Result run(OpKind kind, Tensor in, AttrMap attrs = {}) {
  Result r;
  fill_attr_defaults(op_schema(kind), attrs);
  std::vector<TensorType> types;
  r.error = infer_types(kind, std::vector<TensorType>{in.type}, attrs, types);
  if (!r.error.empty()) return r;
  EXPECT_EQ(types.size(), 1u);
  r.type = types[0];
  r.out = allocate(types[0]);
  TensorView x = in.view(), y = r.out.view();
  r.error = run_kernel(kind, std::span<const TensorView>(&x, 1), attrs, std::span<TensorView>(&y, 1));
  return r;
}

AttrMap attrs(std::initializer_list<std::pair<const char*, AttrValue>> list) {
  AttrMap m;
  for (const auto& [name, value] : list) m.set(name, value);
  return m;
}

Result cast(Tensor in, const char* dtype) { return run(OpKind::Cast, std::move(in), attrs({{"dtype", dtype}})); }

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// ---- floating-point functions against their textbook formulas --------------------------

using LD = long double;

struct Case {
  OpKind op;
  AttrMap attrs;
  std::function<LD(LD)> formula;
};

std::vector<Case> float_cases() {
  const LD selu_alpha = 1.67326319217681884765625L, selu_gamma = 1.05070102214813232421875L;
  return {
      {OpKind::Abs, {}, [](LD x) { return std::fabs(x); }},
      {OpKind::Neg, {}, [](LD x) { return -x; }},
      {OpKind::Exp, {}, [](LD x) { return std::exp(x); }},
      {OpKind::Reciprocal, {}, [](LD x) { return 1 / x; }},
      {OpKind::Floor, {}, [](LD x) { return std::floor(x); }},
      {OpKind::Ceil, {}, [](LD x) { return std::ceil(x); }},
      {OpKind::Sign, {}, [](LD x) { return x > 0 ? 1.0L : x < 0 ? -1.0L : 0.0L; }},
      {OpKind::Erf, {}, [](LD x) { return std::erf(x); }},
      {OpKind::Sin, {}, [](LD x) { return std::sin(x); }},
      {OpKind::Cos, {}, [](LD x) { return std::cos(x); }},
      {OpKind::Tan, {}, [](LD x) { return std::tan(x); }},
      {OpKind::Atan, {}, [](LD x) { return std::atan(x); }},
      {OpKind::Sinh, {}, [](LD x) { return (std::exp(x) - std::exp(-x)) / 2; }},
      {OpKind::Cosh, {}, [](LD x) { return (std::exp(x) + std::exp(-x)) / 2; }},
      {OpKind::Asinh, {}, [](LD x) { return std::log(x + std::sqrt(x * x + 1)); }},
      {OpKind::Softplus, {}, [](LD x) { return std::log(1 + std::exp(x)); }},
      {OpKind::Softsign, {}, [](LD x) { return x / (1 + std::fabs(x)); }},
      {OpKind::Elu, attrs({{"alpha", 0.5}}), [](LD x) { return x >= 0 ? x : 0.5L * (std::exp(x) - 1); }},
      {OpKind::Selu, {}, [=](LD x) { return x > 0 ? selu_gamma * x : selu_gamma * (selu_alpha * std::exp(x) - selu_alpha); }},
      {OpKind::Celu, attrs({{"alpha", 2.0}}),
       [](LD x) { return std::max(0.0L, x) + std::min(0.0L, 2 * (std::exp(x / 2) - 1)); }},
      {OpKind::HardSigmoid, {}, [](LD x) { return std::max(0.0L, std::min(1.0L, LD{0.2f} * x + 0.5L)); }},
      {OpKind::HardSwish, {}, [](LD x) { return x * std::max(0.0L, std::min(1.0L, x / 6 + 0.5L)); }},
      {OpKind::Mish, {}, [](LD x) { return x * std::tanh(std::log(1 + std::exp(x))); }},
      {OpKind::Gelu, {}, [](LD x) { return x / 2 * (1 + std::erf(x / std::sqrt(2.0L))); }},
      {OpKind::Gelu, attrs({{"approximate", std::string("tanh")}}),
       [](LD x) {
         return x / 2 * (1 + std::tanh(std::sqrt(2 / std::numbers::pi_v<LD>) * (x + 0.044715L * x * x * x)));
       }},
      {OpKind::ThresholdedRelu, attrs({{"alpha", 0.75}}), [](LD x) { return x > 0.75L ? x : 0; }},
      {OpKind::Shrink, attrs({{"bias", 0.25}, {"lambd", 1.0}}),
       [](LD x) { return x < -1 ? x + 0.25L : x > 1 ? x - 0.25L : 0; }},
  };
}

const std::vector<double> kPoints = {-7.5, -3, -1.25, -0.5, -0.125, 0, 0.375, 0.75, 1, 1.5, 2.75, 9};

TEST(KernelsUnaryMath, FloatFunctionsMatchTheirFormulasInF32AndF64) {
  for (const Case& c : float_cases()) {
    const char* name = op_schema(c.op).name.data();
    std::vector<float> xf(kPoints.begin(), kPoints.end());
    Result rf = run(c.op, f32(xf), c.attrs);
    Result rd = run(c.op, f64(kPoints), c.attrs);
    ASSERT_EQ(rf.error, "") << name;
    ASSERT_EQ(rd.error, "") << name;
    EXPECT_EQ(rf.type, (TensorType{DType::f32, {12}})) << name;
    auto yf = rf.values<float>();
    auto yd = rd.values<double>();
    for (size_t i = 0; i < kPoints.size(); ++i) {
      auto want = static_cast<double>(c.formula(kPoints[i]));
      if (std::isinf(want)) {  // Reciprocal(0)
        EXPECT_EQ(yf[i], want) << name << " at " << kPoints[i];
        EXPECT_EQ(yd[i], want) << name << " at " << kPoints[i];
        continue;
      }
      // f32: the correctly rounded value, give or take one rounding of the formula.
      EXPECT_NEAR(yf[i], want, 1.5e-7 * std::max(1.0, std::fabs(want))) << name << " at " << kPoints[i];
      EXPECT_NEAR(yd[i], want, 1e-14 * std::max(1.0, std::fabs(want))) << name << " at " << kPoints[i];
    }
  }
}

TEST(KernelsUnaryMath, FunctionsWithRestrictedDomains) {
  std::vector<double> x = {0.0, 0.25, 0.5, 0.99, 1.0, 4.0, -1.0};
  Result lg = run(OpKind::Log, f64(x)), sq = run(OpKind::Sqrt, f64(x));
  Result as = run(OpKind::Asin, f64({-1, -0.5, 0, 0.5, 1, 2}));
  Result ac = run(OpKind::Acos, f64({-1, -0.5, 0, 0.5, 1, 2}));
  Result ach = run(OpKind::Acosh, f64({1, 2, 10, 0.5}));
  Result ath = run(OpKind::Atanh, f64({-0.5, 0, 0.5, 1, 2}));
  EXPECT_EQ(lg.values<double>()[0], -std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(lg.values<double>()[5], 2 * std::numbers::ln2);
  EXPECT_TRUE(std::isnan(lg.values<double>()[6]));
  EXPECT_EQ(sq.values<double>()[1], 0.5);
  EXPECT_EQ(sq.values<double>()[5], 2.0);
  EXPECT_TRUE(std::isnan(sq.values<double>()[6]));
  EXPECT_DOUBLE_EQ(as.values<double>()[4], std::numbers::pi / 2);
  EXPECT_DOUBLE_EQ(as.values<double>()[1], -std::numbers::pi / 6);
  EXPECT_TRUE(std::isnan(as.values<double>()[5]));
  EXPECT_DOUBLE_EQ(ac.values<double>()[0], std::numbers::pi);
  EXPECT_DOUBLE_EQ(ac.values<double>()[3], std::numbers::pi / 3);
  EXPECT_TRUE(std::isnan(ac.values<double>()[5]));
  EXPECT_EQ(ach.values<double>()[0], 0.0);
  EXPECT_DOUBLE_EQ(ach.values<double>()[1], std::log(2 + std::sqrt(3.0)));
  EXPECT_TRUE(std::isnan(ach.values<double>()[3]));
  EXPECT_DOUBLE_EQ(ath.values<double>()[2], 0.5 * std::log(3.0));
  EXPECT_EQ(ath.values<double>()[3], std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(ath.values<double>()[4]));
}

TEST(KernelsUnaryMath, RoundHalvesToEven) {
  Result r = run(OpKind::Round, f32({-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 2.4f, 2.6f, -3.7f, 8388609.0f}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.values<float>(), (std::vector<float>{-2, -2, -0.0f, 0, 2, 2, 2, 3, -4, 8388609.0f}));
  EXPECT_TRUE(std::signbit(r.values<float>()[2]));  // -0.5 rounds to -0
  Result d = run(OpKind::Round, f64({0.49999999999999994, 4503599627370497.0, -1e300}));
  EXPECT_EQ(d.values<double>(), (std::vector<double>{0, 4503599627370497.0, -1e300}));
}

TEST(KernelsUnaryMath, ExtremeInputsStayAccurate) {
  // Softplus neither overflows for large x nor loses small results for very negative x.
  Result sp = run(OpKind::Softplus, f64({1000, -1000, -40}));
  EXPECT_EQ(sp.values<double>()[0], 1000.0);
  EXPECT_EQ(sp.values<double>()[1], 0.0);
  EXPECT_DOUBLE_EQ(sp.values<double>()[2], 4.248354255291589e-18);  // log1p(e^-40)
  // Gelu(-10) = -10 * Phi(-10), Phi(-10) = 7.619853024160527e-24: no cancellation to 0.
  Result g = run(OpKind::Gelu, f64({-10}));
  EXPECT_NEAR(g.values<double>()[0], -7.619853024160527e-23, 1e-35);
  // Elu and Selu near 0 from below use expm1: alpha * (e^x - 1) ~ alpha * x.
  Result e = run(OpKind::Elu, f64({-1e-20}));
  EXPECT_EQ(e.values<double>()[0], -1e-20);
  Result mish = run(OpKind::Mish, f32({100, -100}));
  EXPECT_EQ(mish.values<float>()[0], 100.0f);
  EXPECT_NEAR(mish.values<float>()[1], -100 * std::exp(-100.0), 2e-45);
}

TEST(KernelsUnaryMath, NanPropagatesExceptThroughComparisons) {
  for (OpKind op : {OpKind::Abs, OpKind::Exp, OpKind::Round, OpKind::Sign, OpKind::Elu, OpKind::Selu,
                    OpKind::Celu, OpKind::HardSigmoid, OpKind::HardSwish, OpKind::Softplus, OpKind::Mish,
                    OpKind::Gelu, OpKind::Softsign})
    EXPECT_TRUE(std::isnan(run(op, f32({kNaN})).values<float>()[0])) << op_schema(op).name;
  // ONNX defines these with comparisons (its reference: NumPy where): NaN gives 0.
  EXPECT_EQ(run(OpKind::ThresholdedRelu, f32({kNaN})).values<float>()[0], 0.0f);
  EXPECT_EQ(run(OpKind::Shrink, f32({kNaN})).values<float>()[0], 0.0f);
  // The clamps saturate at infinity.
  EXPECT_EQ(run(OpKind::HardSigmoid, f32({-kInf, kInf})).values<float>(), (std::vector<float>{0, 1}));
  EXPECT_EQ(run(OpKind::HardSwish, f32({-kInf, kInf})).values<float>()[1], kInf);
}

TEST(KernelsUnaryMath, GeluRejectsUnknownApproximation) {
  Result r = run(OpKind::Gelu, f32({1}), attrs({{"approximate", std::string("erf")}}));
  EXPECT_EQ(r.error, "Gelu: approximate must be \"none\" or \"tanh\", got \"erf\"");
}

// ---- integers ---------------------------------------------------------------------------

TEST(KernelsUnaryMath, IntegerAbsNegSignWrapAtTheMostNegativeValue) {
  Tensor x = make<int8_t>(DType::i8, {-128, -5, 0, 7, 127});
  EXPECT_EQ(run(OpKind::Abs, x).values<int8_t>(), (std::vector<int8_t>{-128, 5, 0, 7, 127}));
  EXPECT_EQ(run(OpKind::Neg, x).values<int8_t>(), (std::vector<int8_t>{-128, 5, 0, -7, -127}));
  EXPECT_EQ(run(OpKind::Sign, x).values<int8_t>(), (std::vector<int8_t>{-1, -1, 0, 1, 1}));
  const int64_t lo = std::numeric_limits<int64_t>::min();
  Tensor w = make<int64_t>(DType::i64, {lo, -3, int64_t{1} << 40});
  EXPECT_EQ(run(OpKind::Abs, w).values<int64_t>(), (std::vector<int64_t>{lo, 3, int64_t{1} << 40}));
  EXPECT_EQ(run(OpKind::Neg, w).values<int64_t>(), (std::vector<int64_t>{lo, 3, -(int64_t{1} << 40)}));
  Tensor u = make<uint16_t>(DType::u16, {0, 1, 65535});
  EXPECT_EQ(run(OpKind::Abs, u).values<uint16_t>(), (std::vector<uint16_t>{0, 1, 65535}));
  EXPECT_EQ(run(OpKind::Sign, u).values<uint16_t>(), (std::vector<uint16_t>{0, 1, 1}));
  EXPECT_EQ(run(OpKind::Neg, u).error, "Neg: element type u16 not implemented by the reference kernel");
}

TEST(KernelsUnaryMath, BitwiseNot) {
  EXPECT_EQ(run(OpKind::BitwiseNot, make<int32_t>(DType::i32, {0, -1, 5})).values<int32_t>(),
            (std::vector<int32_t>{-1, 0, -6}));
  EXPECT_EQ(run(OpKind::BitwiseNot, make<uint8_t>(DType::u8, {0, 255, 0x0F})).values<uint8_t>(),
            (std::vector<uint8_t>{255, 0, 0xF0}));
  EXPECT_EQ(run(OpKind::BitwiseNot, make<uint64_t>(DType::u64, {1})).values<uint64_t>(),
            (std::vector<uint64_t>{~uint64_t{1}}));
  EXPECT_EQ(run(OpKind::BitwiseNot, f32({1})).error,
            "BitwiseNot: element type f32 not implemented by the reference kernel");
}

TEST(KernelsUnaryMath, UnlistedElementTypesAreNotImplemented) {
  EXPECT_EQ(run(OpKind::Exp, make<int32_t>(DType::i32, {1})).error,
            "Exp: element type i32 not implemented by the reference kernel");
  EXPECT_EQ(run(OpKind::Not, f32({1})).error, "Not: element type f32 not implemented by the reference kernel");
  EXPECT_EQ(run(OpKind::IsNaN, make<int32_t>(DType::i32, {1})).error,
            "IsNaN: element type i32 not implemented by the reference kernel");
}

// ---- predicates and Not -------------------------------------------------------------------

TEST(KernelsUnaryMath, IsNaNAndIsInfGiveBool) {
  Tensor x = f32({1, kNaN, kInf, -kInf, 0});
  Result nan = run(OpKind::IsNaN, x);
  ASSERT_EQ(nan.error, "");
  EXPECT_EQ(nan.type, (TensorType{DType::boolean, {5}}));
  EXPECT_EQ(nan.values<uint8_t>(), (std::vector<uint8_t>{0, 1, 0, 0, 0}));
  EXPECT_EQ(run(OpKind::IsInf, x).values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 1, 0}));
  EXPECT_EQ(run(OpKind::IsInf, x, attrs({{"detect_negative", int64_t{0}}})).values<uint8_t>(),
            (std::vector<uint8_t>{0, 0, 1, 0, 0}));
  EXPECT_EQ(run(OpKind::IsInf, x, attrs({{"detect_positive", int64_t{0}}})).values<uint8_t>(),
            (std::vector<uint8_t>{0, 0, 0, 1, 0}));
  Tensor d = f64({std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity(), 1e308});
  EXPECT_EQ(run(OpKind::IsNaN, d).values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0}));
  EXPECT_EQ(run(OpKind::IsInf, d).values<uint8_t>(), (std::vector<uint8_t>{0, 1, 0}));
  // 16-bit floats by bit pattern: 1, +inf, -inf, NaN, largest finite.
  Tensor h = make<uint16_t>(DType::f16, {0x3C00, 0x7C00, 0xFC00, 0x7E00, 0x7BFF});
  EXPECT_EQ(run(OpKind::IsNaN, h).values<uint8_t>(), (std::vector<uint8_t>{0, 0, 0, 1, 0}));
  EXPECT_EQ(run(OpKind::IsInf, h).values<uint8_t>(), (std::vector<uint8_t>{0, 1, 1, 0, 0}));
  Tensor b = make<uint16_t>(DType::bf16, {0x3F80, 0x7F80, 0xFF80, 0x7FC0, 0x7F7F});
  EXPECT_EQ(run(OpKind::IsNaN, b).values<uint8_t>(), (std::vector<uint8_t>{0, 0, 0, 1, 0}));
  EXPECT_EQ(run(OpKind::IsInf, b).values<uint8_t>(), (std::vector<uint8_t>{0, 1, 1, 0, 0}));
}

TEST(KernelsUnaryMath, UnknownExtentsFlowThroughTheShapeRules) {
  std::vector<TensorType> out;
  AttrMap a;
  fill_attr_defaults(op_schema(OpKind::IsInf), a);
  ASSERT_EQ(infer_types(OpKind::IsInf, std::vector<TensorType>{{DType::f32, {-1, 3}}}, a, out), "");
  EXPECT_EQ(out.at(0), (TensorType{DType::boolean, {-1, 3}}));
  ASSERT_EQ(infer_types(OpKind::Cast, std::vector<TensorType>{{DType::f32, {-1}}}, attrs({{"dtype", "u16"}}), out), "");
  EXPECT_EQ(out.at(0), (TensorType{DType::u16, {-1}}));
}

TEST(KernelsUnaryMath, NotTreatsEveryNonzeroByteAsTrue) {
  Result r = run(OpKind::Not, make<uint8_t>(DType::boolean, {0, 1, 2, 0}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type.dtype, DType::boolean);
  EXPECT_EQ(r.values<uint8_t>(), (std::vector<uint8_t>{1, 0, 0, 1}));
}

// ---- Cast ---------------------------------------------------------------------------------

TEST(KernelsCast, F32ToF16RoundsOnceToNearestEven) {
  const float tiny = std::ldexp(1.0f, -24);  // the smallest f16 subnormal
  Result r = cast(f32({1, -2, 65504, 65519, 65520, 0.1f, tiny, tiny / 2, tiny * 1.5f, -0.0f, 1 + std::ldexp(1.0f, -11),
                       1 + 3 * std::ldexp(1.0f, -11), kInf, 1e10f, std::ldexp(1.0f, -14) * (1 - std::ldexp(1.0f, -11))}),
                  "f16");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type, (TensorType{DType::f16, {15}}));
  EXPECT_EQ(r.values<uint16_t>(),
            (std::vector<uint16_t>{0x3C00, 0xC000, 0x7BFF, 0x7BFF, 0x7C00, 0x2E66, 0x0001, 0x0000, 0x0002, 0x8000,
                                   0x3C00, 0x3C02, 0x7C00, 0x7C00, 0x0400}));
  uint16_t nan = cast(f32({kNaN}), "f16").values<uint16_t>()[0];
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
}

TEST(KernelsCast, F16DecodesExactly) {
  Result r = cast(make<uint16_t>(DType::f16, {0x0001, 0x03FF, 0x0400, 0x7BFF, 0x3555, 0xFC00, 0x8000, 0xC580}), "f64");
  ASSERT_EQ(r.error, "");
  auto v = r.values<double>();
  EXPECT_EQ(v[0], std::ldexp(1.0, -24));
  EXPECT_EQ(v[1], std::ldexp(1023.0, -24));
  EXPECT_EQ(v[2], std::ldexp(1.0, -14));
  EXPECT_EQ(v[3], 65504.0);
  EXPECT_EQ(v[4], 0.333251953125);
  EXPECT_EQ(v[5], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(v[6] == 0 && std::signbit(v[6]));
  EXPECT_EQ(v[7], -5.5);
  EXPECT_TRUE(std::isnan(cast(make<uint16_t>(DType::f16, {0x7E00}), "f32").values<float>()[0]));
}

TEST(KernelsCast, BFloat16BothWays) {
  Result r = cast(f32({1, 1 + std::ldexp(1.0f, -8), 1 + 3 * std::ldexp(1.0f, -8), std::numeric_limits<float>::max(),
                       -3.140625f, std::ldexp(1.0f, -133)}),
                  "bf16");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.values<uint16_t>(), (std::vector<uint16_t>{0x3F80, 0x3F80, 0x3F82, 0x7F80, 0xC049, 0x0001}));
  EXPECT_EQ(cast(make<uint16_t>(DType::bf16, {0x4049, 0x0001, 0xFF80}), "f32").values<float>(),
            (std::vector<float>{3.140625f, std::ldexp(1.0f, -133), -kInf}));
  // Half to bfloat16 and back through the exact value.
  EXPECT_EQ(cast(make<uint16_t>(DType::f16, {0x3C00, 0x7BFF}), "bf16").values<uint16_t>(),
            (std::vector<uint16_t>{0x3F80, 0x4780}));  // 65504 rounds to 65536 in bf16
}

TEST(KernelsCast, WideIntegersRoundOnceToSixteenBitFloats) {
  // 2^60 + 2^52 + 1 lies just above the bf16 midpoint 2^60 + 2^52; through double (53
  // bits) it would become the midpoint itself and round down to even.
  const int64_t above = (int64_t{1} << 60) + (int64_t{1} << 52) + 1, tie = (int64_t{1} << 60) + (int64_t{1} << 52);
  EXPECT_EQ(cast(make<int64_t>(DType::i64, {above, tie, -1}), "bf16").values<uint16_t>(),
            (std::vector<uint16_t>{0x5D81, 0x5D80, 0xBF80}));
  EXPECT_EQ(cast(make<uint64_t>(DType::u64, {~uint64_t{0}, 2049}), "f16").values<uint16_t>(),
            (std::vector<uint16_t>{0x7C00, 0x6800}));  // overflow; 2049 ties down to 2048
}

TEST(KernelsCast, FloatToIntegerTruncatesAndSaturates) {
  EXPECT_EQ(cast(f32({2.9f, -2.9f, kNaN, 3e9f, -3e9f, kInf, -0.5f}), "i32").values<int32_t>(),
            (std::vector<int32_t>{2, -2, 0, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                  std::numeric_limits<int32_t>::max(), 0}));
  EXPECT_EQ(cast(f32({-1, 255.5f, 256, 3.7f}), "u8").values<uint8_t>(), (std::vector<uint8_t>{0, 255, 255, 3}));
  EXPECT_EQ(cast(f64({9.3e18, -9.3e18, 1.8e19, 4e19}), "i64").values<int64_t>(),
            (std::vector<int64_t>{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                                  std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()}));
  EXPECT_EQ(cast(f64({1.8e19, 4e19, -1}), "u64").values<uint64_t>(),
            (std::vector<uint64_t>{18000000000000000000u, ~uint64_t{0}, 0}));
  EXPECT_EQ(cast(make<uint16_t>(DType::f16, {0xC580}), "i16").values<int16_t>(), (std::vector<int16_t>{-5}));
}

TEST(KernelsCast, IntegersWrapAndConvertExactlyWherePossible) {
  EXPECT_EQ(cast(make<int64_t>(DType::i64, {300, -129, -1}), "i8").values<int8_t>(), (std::vector<int8_t>{44, 127, -1}));
  EXPECT_EQ(cast(make<int8_t>(DType::i8, {-1, 5}), "u32").values<uint32_t>(),
            (std::vector<uint32_t>{0xFFFFFFFFu, 5}));
  EXPECT_EQ(cast(make<int64_t>(DType::i64, {(int64_t{1} << 53) + 1}), "f64").values<double>(),
            (std::vector<double>{9007199254740992.0}));  // ties to even
  EXPECT_EQ(cast(make<int32_t>(DType::i32, {16777217}), "f32").values<float>(), (std::vector<float>{16777216.0f}));
  EXPECT_EQ(cast(f64({1e300, 0.1}), "f32").values<float>(), (std::vector<float>{kInf, 0.1f}));
}

TEST(KernelsCast, BoolInAndOut) {
  EXPECT_EQ(cast(f32({0, -0.0f, 0.5f, kNaN, -3}), "bool").values<uint8_t>(), (std::vector<uint8_t>{0, 0, 1, 1, 1}));
  EXPECT_EQ(cast(make<int64_t>(DType::i64, {0, 1 << 20}), "bool").values<uint8_t>(), (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(cast(make<uint8_t>(DType::boolean, {0, 1, 2}), "f32").values<float>(), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(cast(make<uint8_t>(DType::boolean, {0, 7}), "bool").values<uint8_t>(), (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(cast(make<uint8_t>(DType::boolean, {1}), "f16").values<uint16_t>(), (std::vector<uint16_t>{0x3C00}));
  EXPECT_EQ(cast(make<uint16_t>(DType::bf16, {0x8000, 0x3F80}), "bool").values<uint8_t>(),
            (std::vector<uint8_t>{0, 1}));
}

TEST(KernelsCast, UnknownTargetIsAnError) {
  EXPECT_EQ(cast(f32({1}), "f8").error, "Cast: dtype 'f8' is not an element type");
  EXPECT_EQ(cast(f32({1}), "undefined").error, "Cast: dtype 'undefined' is not an element type");
  Result missing = run(OpKind::Cast, f32({1}));
  EXPECT_EQ(missing.error, "Cast: missing required attribute 'dtype'");
}

}  // namespace
