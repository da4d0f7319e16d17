// kernels_binary_logic_test.cc - the binary_logic family of reference kernels (Pow,
// Mod, PRelu, comparisons, logical and bitwise ops, BitShift, Where, Max/Min/Sum/Mean).
//
// Expected values are worked out by hand (the arithmetic is written next to them) or
// computed by an independent plain formula in the test; none come from the kernels
// themselves. float16/bfloat16 values are given as bit patterns decoded by hand.
#include <gtest/gtest.h>

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

void expect_near(const std::vector<float>& got, const std::vector<double>& want, double tol = 1e-6) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::fabs(want[i]))) << "at " << i;
}

using B = std::vector<uint8_t>;  // bool results, one byte each
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// ---- Pow ---------------------------------------------------------------------------------

TEST(KernelsBinaryLogic, PowFloatBroadcast) {
  // [2,2] ^ [2]: 2^2 = 4, 3^0.5 = sqrt 3, 4^2 = 16, 0.25^0.5 = 0.5.
  Result r = run(OpKind::Pow, {f32({2, 2}, {2, 3, 4, 0.25f}), f32({2}, {2, 0.5f})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {2, 2}}));
  expect_near(r.get<float>(), {4, std::sqrt(3.0), 16, 0.5});
}

TEST(KernelsBinaryLogic, PowFloatBaseIntegerExponent) {
  // The exponent's type may differ; the result keeps the base's type.
  // 2^3 = 8, (-1)^2 = 1, 3^-2 = 1/9, 0.5^0 = 1.
  Result r = run(OpKind::Pow, {f32({4}, {2, -1, 3, 0.5f}), i64({4}, {3, 2, -2, 0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::f32);
  expect_near(r.get<float>(), {8, 1, 1.0 / 9, 1});
  Result u = run(OpKind::Pow, {f64({2}, {2, 1.5}), u64({2}, {10, 2})});
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.get<double>(), (std::vector<double>{1024, 2.25}));
  // A negative base to a fractional power is NaN; 0^-1 is +inf.
  Result n = run(OpKind::Pow, {f32({2}, {-8, 0}), f32({2}, {0.5f, -1})});
  ASSERT_EQ(n.error, "");
  EXPECT_TRUE(std::isnan(n.get<float>()[0]));
  EXPECT_EQ(n.get<float>()[1], kInf);
}

TEST(KernelsBinaryLogic, PowIntegerIsExactAndWraps) {
  // 3^39 needs 62 bits (beyond double's 53): computed exactly. 3^41 wraps modulo 2^64.
  auto power = [](int64_t base, int e) {
    uint64_t p = 1;
    for (int i = 0; i < e; ++i) p *= static_cast<uint64_t>(base);  // plain repeated product
    return static_cast<int64_t>(p);
  };
  Result r = run(OpKind::Pow, {i64({4}, {3, 3, -2, 7}), i64({4}, {39, 41, 3, 0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int64_t>(), (std::vector<int64_t>{power(3, 39), power(3, 41), -8, 1}));
  EXPECT_EQ(power(3, 39), 4052555153018976267);  // 3^39, written out
  // int32 with an int32 exponent: 2^31 wraps to INT32_MIN, (-3)^3 = -27.
  Result s = run(OpKind::Pow, {i32({2}, {2, -3}), i32({2}, {31, 3})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.get<int32_t>(), (std::vector<int32_t>{INT32_MIN, -27}));
}

TEST(KernelsBinaryLogic, PowIntegerNegativeExponentTruncates) {
  // 1^-3 = 1, (-1)^-3 = -1, (-1)^-2 = 1, 2^-1 = 0.5 -> 0, 0^-1 (infinite) -> 0.
  Result r = run(OpKind::Pow, {i32({5}, {1, -1, -1, 2, 0}), i32({5}, {-3, -3, -2, -1, -1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{1, -1, 1, 0, 0}));
}

TEST(KernelsBinaryLogic, PowIntegerBaseFloatExponent) {
  // Computed in double, then towards zero: 2^0.5 = 1.41 -> 1, 10^2.5 = 316.2 -> 316,
  // (-2)^3 = -8. NaN ((-8)^0.5) and results out of range (10^20, (-10)^11) give
  // INT32_MIN, as NumPy's astype and onnxruntime do on x86.
  Result r = run(OpKind::Pow, {i32({6}, {2, 10, -2, -8, 10, -10}), f32({6}, {0.5f, 2.5f, 3, 0.5f, 20, 11})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::i32);
  EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{1, 316, -8, INT32_MIN, INT32_MIN, INT32_MIN}));
  Result l = run(OpKind::Pow, {i64({2}, {2, 3}), f64({2}, {62, 0.5})});
  ASSERT_EQ(l.error, "");
  EXPECT_EQ(l.get<int64_t>(), (std::vector<int64_t>{int64_t{1} << 62, 1}));
}

TEST(KernelsBinaryLogic, PowHalfBase) {
  // f16: 2^10 = 1024 (0x6400), 1.5^2 = 2.25 (0x4080), 2^16 = 65536 overflows to inf.
  Result r = run(OpKind::Pow, {f16({3}, {0x4000, 0x3E00, 0x4000}), i32({3}, {10, 2, 16})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::f16);
  EXPECT_EQ(r.get<uint16_t>(), (std::vector<uint16_t>{0x6400, 0x4080, 0x7C00}));
}

TEST(KernelsBinaryLogic, PowRejectsBoolAndUnlistedBases) {
  expect_error(run(OpKind::Pow, {f32({2}, {1, 2}), boolean({2}, {1, 0})}).error, "Pow", "bool");
  // ONNX Pow bases are int32/int64 and the float types; int8 is not implemented.
  expect_error(run(OpKind::Pow, {i8({1}, {2}), i8({1}, {2})}).error, "Pow", "i8");
  expect_error(run(OpKind::Pow, {f32({2}, {1, 2}), f32({3}, {1, 2, 3})}).error, "Pow");
}

// ---- Mod ---------------------------------------------------------------------------------

TEST(KernelsBinaryLogic, ModIntegerFollowsDivisorSign) {
  // fmod = 0 (floor): -4 mod 2 = 0, 7 mod -3 = -2, 5 mod 8 = 5, 4 mod -2 = 0,
  // -7 mod 3 = 2, 8 mod 5 = 3.
  Result r = run(OpKind::Mod, {i32({6}, {-4, 7, 5, 4, -7, 8}), i32({6}, {2, -3, 8, -2, 3, 5})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{0, -2, 5, 0, 2, 3}));
  Result s = run(OpKind::Mod, {i8({4}, {-128, 127, -1, 100}), i8({4}, {3, -128, 127, -7})});
  ASSERT_EQ(s.error, "");
  // -128 = -43*3 + 1; 127 = -1*(-128) + (-1); -1 = -1*127 + 126; 100 = -15*(-7) + (-5).
  EXPECT_EQ(s.get<int8_t>(), (std::vector<int8_t>{1, -1, 126, -5}));
}

TEST(KernelsBinaryLogic, ModIntegerFmodFollowsDividendSign) {
  // fmod = 1 (C truncation): 7 fmod -3 = 1, -7 fmod 3 = -1, -7 fmod -3 = -1.
  Result r = run(OpKind::Mod, {i64({4}, {7, -7, -7, 7}), i64({4}, {-3, 3, -3, 3})},
                 attrs({{"fmod", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int64_t>(), (std::vector<int64_t>{1, -1, -1, 1}));
}

TEST(KernelsBinaryLogic, ModByZeroAndOverflowDoNotTrap) {
  // An integer remainder by zero is 0 (NumPy); INT_MIN mod -1 is 0 instead of a trap.
  for (int64_t fmod : {0, 1}) {
    Result r = run(OpKind::Mod, {i32({3}, {5, -5, INT32_MIN}), i32({3}, {0, 0, -1})},
                   attrs({{"fmod", fmod}}));
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{0, 0, 0})) << "fmod " << fmod;
  }
  Result u = run(OpKind::Mod, {u64({3}, {UINT64_MAX, 7, 9}), u64({3}, {10, 0, 4})});
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.get<uint64_t>(), (std::vector<uint64_t>{5, 0, 1}));  // 2^64-1 = ...615
}

TEST(KernelsBinaryLogic, ModFloatFmodAndBroadcast) {
  // fmod(-4.5, 2) = -0.5, fmod(7.5, -2) = 1.5, fmod(5, 2) = 1, fmod(x, 0) = NaN.
  Result r = run(OpKind::Mod, {f32({2, 2}, {-4.5f, 7.5f, 5, 1}), f32({2}, {2, -2})},
                 attrs({{"fmod", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  expect_near(r.get<float>(), {-0.5, 1.5, 1, 1});
  Result z = run(OpKind::Mod, {f64({1}, {3}), f64({1}, {0})}, attrs({{"fmod", int64_t{1}}}));
  ASSERT_EQ(z.error, "");
  EXPECT_TRUE(std::isnan(z.get<double>()[0]));
  // f16: fmod(-4.5, 2) = -0.5 (0xB800), fmod(7, 4) = 3 (0x4200).
  Result h = run(OpKind::Mod, {f16({2}, {0xC480, 0x4700}), f16({2}, {0x4000, 0x4400})},
                 attrs({{"fmod", int64_t{1}}}));
  ASSERT_EQ(h.error, "");
  EXPECT_EQ(h.get<uint16_t>(), (std::vector<uint16_t>{0xB800, 0x4200}));
}

TEST(KernelsBinaryLogic, ModRejectsFloatWithoutFmodAndBadFmod) {
  expect_error(run(OpKind::Mod, {f32({1}, {1}), f32({1}, {1})}).error, "Mod", "fmod must be 1");
  expect_error(run(OpKind::Mod, {i32({1}, {1}), i32({1}, {1})}, attrs({{"fmod", int64_t{2}}})).error,
               "Mod", "fmod must be 0 or 1");
}

// ---- PRelu --------------------------------------------------------------------------------

TEST(KernelsBinaryLogic, PReluSlopePerChannel) {
  // slope [3] over X [2,3]: negatives are scaled by the slope of their column.
  Result r = run(OpKind::PRelu, {f32({2, 3}, {-1, 2, -3, 4, -5, 6}), f32({3}, {0.1f, 0.2f, 0.3f})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::f32, {2, 3}}));
  expect_near(r.get<float>(), {-0.1, 2, -0.9, 4, -1, 6});
  // slope [2,1] over X [2,3]: per row. NaN stays NaN, -0 and +inf pass.
  Result s = run(OpKind::PRelu, {f32({2, 3}, {-1, kNaN, kInf, -2, 0, -kInf}), f32({2, 1}, {2, 0.5f})});
  ASSERT_EQ(s.error, "");
  std::vector<float> y = s.get<float>();
  EXPECT_EQ(y[0], -2);
  EXPECT_TRUE(std::isnan(y[1]));
  EXPECT_EQ(y[2], kInf);
  EXPECT_EQ(y[3], -1);
  EXPECT_EQ(y[4], 0);
  EXPECT_EQ(y[5], -kInf);
}

TEST(KernelsBinaryLogic, PReluIntegers) {
  Result r = run(OpKind::PRelu, {i32({3}, {-3, 4, 0}), i32({}, {2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{-6, 4, 0}));
  Result u = run(OpKind::PRelu, {u32({2}, {0xFFFFFFFFu, 3}), u32({1}, {5})});
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.get<uint32_t>(), (std::vector<uint32_t>{0xFFFFFFFFu, 3}));  // never negative
}

TEST(KernelsBinaryLogic, PReluSlopeBroadcastsOneWayOnly) {
  expect_error(run(OpKind::PRelu, {f32({3}, {1, 2, 3}), f32({2, 3}, {1, 2, 3, 4, 5, 6})}).error,
               "PRelu", "does not broadcast");
  expect_error(run(OpKind::PRelu, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2}, {1, 2})}).error,
               "PRelu", "does not broadcast");
}

// ---- comparisons --------------------------------------------------------------------------

TEST(KernelsBinaryLogic, ComparisonsBroadcastToBool) {
  // A [2,1] = {1, 3} against B [3] = {1, 2, 3}.
  auto a = [] { return f32({2, 1}, {1, 3}); };
  auto b = [] { return f32({3}, {1, 2, 3}); };
  Result eq = run(OpKind::Equal, {a(), b()});
  ASSERT_EQ(eq.error, "");
  EXPECT_EQ(eq.type(), (TensorType{DType::boolean, {2, 3}}));
  EXPECT_EQ(eq.get<uint8_t>(), (B{1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(run(OpKind::Less, {a(), b()}).get<uint8_t>(), (B{0, 1, 1, 0, 0, 0}));
  EXPECT_EQ(run(OpKind::Greater, {a(), b()}).get<uint8_t>(), (B{0, 0, 0, 1, 1, 0}));
  EXPECT_EQ(run(OpKind::LessOrEqual, {a(), b()}).get<uint8_t>(), (B{1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(run(OpKind::GreaterOrEqual, {a(), b()}).get<uint8_t>(), (B{1, 0, 0, 1, 1, 1}));
}

TEST(KernelsBinaryLogic, ComparisonsWithNaNAreFalse) {
  auto a = [] { return f64({3}, {kNaN, 1, kNaN}); };
  auto b = [] { return f64({3}, {kNaN, kNaN, 1}); };
  for (OpKind k : {OpKind::Equal, OpKind::Less, OpKind::Greater, OpKind::LessOrEqual,
                   OpKind::GreaterOrEqual}) {
    Result r = run(k, {a(), b()});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.get<uint8_t>(), (B{0, 0, 0}));
  }
}

TEST(KernelsBinaryLogic, ComparisonsAreExactForWideIntegers) {
  // 2^53 + 1 and 2^53 are one double apart from nothing: compared as integers.
  const int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_EQ(run(OpKind::Equal, {i64({1}, {big}), i64({1}, {big - 1})}).get<uint8_t>(), (B{0}));
  EXPECT_EQ(run(OpKind::Greater, {i64({1}, {big}), i64({1}, {big - 1})}).get<uint8_t>(), (B{1}));
  // Unsigned above INT64_MAX, and signed negatives, keep their order.
  EXPECT_EQ(run(OpKind::Less, {u64({2}, {UINT64_MAX - 1, 0}), u64({2}, {UINT64_MAX, 1})}).get<uint8_t>(),
            (B{1, 1}));
  EXPECT_EQ(run(OpKind::Less, {i8({2}, {-128, 127}), i8({2}, {127, -128})}).get<uint8_t>(), (B{1, 0}));
  EXPECT_EQ(run(OpKind::GreaterOrEqual, {u16({2}, {65535, 7}), u16({2}, {65535, 8})}).get<uint8_t>(),
            (B{1, 0}));
}

TEST(KernelsBinaryLogic, ComparisonsOfSmallFloats) {
  // f16 1.0 = 0x3C00, 2.0 = 0x4000, -0 = 0x8000, +0 = 0x0000 (equal), NaN = 0x7E00.
  Result eq = run(OpKind::Equal, {f16({3}, {0x3C00, 0x8000, 0x7E00}), f16({3}, {0x4000, 0x0000, 0x7E00})});
  ASSERT_EQ(eq.error, "");
  EXPECT_EQ(eq.get<uint8_t>(), (B{0, 1, 0}));
  // bf16 1.0 = 0x3F80, 1.0078125 = 0x3F81, -2 = 0xC000.
  Result lt = run(OpKind::Less, {bf16({2}, {0x3F80, 0xC000}), bf16({2}, {0x3F81, 0x3F80})});
  ASSERT_EQ(lt.error, "");
  EXPECT_EQ(lt.get<uint8_t>(), (B{1, 1}));
}

TEST(KernelsBinaryLogic, EqualOnBoolOthersReject) {
  // Any nonzero byte is true.
  Result r = run(OpKind::Equal, {boolean({4}, {0, 1, 2, 0}), boolean({4}, {0, 1, 1, 1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(), (B{1, 1, 1, 0}));
  expect_error(run(OpKind::Less, {boolean({1}, {0}), boolean({1}, {1})}).error, "Less", "bool");
  expect_error(run(OpKind::Equal, {f32({1}, {0}), i32({1}, {0})}).error, "Equal");
  expect_error(run(OpKind::Equal, {f32({2}, {0, 1}), f32({3}, {0, 1, 2})}).error, "Equal");
}

// ---- And, Or, Xor ----------------------------------------------------------------------------

TEST(KernelsBinaryLogic, LogicalTruthTablesWithBroadcast) {
  // A [2,1] = {0, 1} against B [2] = {0, 1}: the four combinations in row-major order.
  auto a = [] { return boolean({2, 1}, {0, 1}); };
  auto b = [] { return boolean({2}, {0, 1}); };
  Result r = run(OpKind::And, {a(), b()});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::boolean, {2, 2}}));
  EXPECT_EQ(r.get<uint8_t>(), (B{0, 0, 0, 1}));
  EXPECT_EQ(run(OpKind::Or, {a(), b()}).get<uint8_t>(), (B{0, 1, 1, 1}));
  EXPECT_EQ(run(OpKind::Xor, {a(), b()}).get<uint8_t>(), (B{0, 1, 1, 0}));
  // A byte of 2 is true, and results are written as 0/1.
  EXPECT_EQ(run(OpKind::Xor, {boolean({2}, {2, 2}), boolean({2}, {1, 0})}).get<uint8_t>(), (B{0, 1}));
  EXPECT_EQ(run(OpKind::And, {boolean({1}, {2}), boolean({1}, {4})}).get<uint8_t>(), (B{1}));
}

TEST(KernelsBinaryLogic, LogicalRejectsNonBool) {
  expect_error(run(OpKind::And, {i32({1}, {1}), i32({1}, {1})}).error, "And", "i32");
}

// ---- bitwise and BitShift ---------------------------------------------------------------------

TEST(KernelsBinaryLogic, BitwiseSignedAndUnsigned) {
  // int16: -1 & 0x0F0F = 0x0F0F; 0x00F0 & 0x0FF0 = 0x00F0; 5 & -6 (...11010) = 0.
  auto a = [] { return i16({3}, {-1, 0x00F0, 5}); };
  auto b = [] { return i16({3}, {0x0F0F, 0x0FF0, -6}); };
  EXPECT_EQ(run(OpKind::BitwiseAnd, {a(), b()}).get<int16_t>(), (std::vector<int16_t>{0x0F0F, 0x00F0, 0}));
  EXPECT_EQ(run(OpKind::BitwiseOr, {a(), b()}).get<int16_t>(), (std::vector<int16_t>{-1, 0x0FF0, -1}));
  // -1 ^ 0x0F0F = ~0x0F0F = 0xF0F0 = -3856.
  EXPECT_EQ(run(OpKind::BitwiseXor, {a(), b()}).get<int16_t>(), (std::vector<int16_t>{-3856, 0x0F00, -1}));
  // uint64 broadcast of a scalar mask.
  Result r = run(OpKind::BitwiseAnd, {u64({2}, {UINT64_MAX, 0x123456789ABCDEF0u}), u64({}, {0xFF00000000000001u})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint64_t>(), (std::vector<uint64_t>{0xFF00000000000001u, 0x1200000000000000u}));
  expect_error(run(OpKind::BitwiseOr, {f32({1}, {1}), f32({1}, {1})}).error, "BitwiseOr", "f32");
}

TEST(KernelsBinaryLogic, BitShiftLeftAndRight) {
  // uint8: 1 << 1 = 2, 255 << 1 = 254 (the top bit is lost), 16 << 4 = 256 -> 0.
  Result l = run(OpKind::BitShift, {u8({3}, {1, 255, 16}), u8({3}, {1, 1, 4})},
                 attrs({{"direction", std::string("LEFT")}}));
  ASSERT_EQ(l.error, "");
  EXPECT_EQ(l.get<uint8_t>(), (B{2, 254, 0}));
  Result r = run(OpKind::BitShift, {u8({3}, {16, 255, 1}), u8({}, {2})},
                 attrs({{"direction", std::string("RIGHT")}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint8_t>(), (B{4, 63, 0}));
  // Shifts by the width or more give 0; the last valid shift keeps one bit.
  Result w = run(OpKind::BitShift, {u32({3}, {1, 1, 0x80000000u}), u32({3}, {31, 32, 200})},
                 attrs({{"direction", std::string("LEFT")}}));
  ASSERT_EQ(w.error, "");
  EXPECT_EQ(w.get<uint32_t>(), (std::vector<uint32_t>{0x80000000u, 0, 0}));
  Result v = run(OpKind::BitShift, {u64({2}, {UINT64_MAX, UINT64_MAX}), u64({2}, {63, 64})},
                 attrs({{"direction", std::string("RIGHT")}}));
  ASSERT_EQ(v.error, "");
  EXPECT_EQ(v.get<uint64_t>(), (std::vector<uint64_t>{1, 0}));
  Result h = run(OpKind::BitShift, {u16({1}, {0xFFFF}), u16({1}, {15})},
                 attrs({{"direction", std::string("LEFT")}}));
  EXPECT_EQ(h.get<uint16_t>(), (std::vector<uint16_t>{0x8000}));
}

TEST(KernelsBinaryLogic, BitShiftRejectsBadDirectionAndSignedTypes) {
  expect_error(run(OpKind::BitShift, {u8({1}, {1}), u8({1}, {1})}, attrs({{"direction", std::string("UP")}})).error,
               "BitShift", "LEFT or RIGHT");
  expect_error(run(OpKind::BitShift, {i32({1}, {1}), i32({1}, {1})}, attrs({{"direction", std::string("LEFT")}})).error,
               "BitShift", "i32");
}

// ---- Where ------------------------------------------------------------------------------------

TEST(KernelsBinaryLogic, WhereBroadcastsAllThree) {
  // condition [2,1] = {1, 0}, X [3] = {1, 2, 3}, Y [] = -1 -> [2,3].
  Result r = run(OpKind::Where, {boolean({2, 1}, {1, 0}), i64({3}, {1, 2, 3}), i64({}, {-1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type(), (TensorType{DType::i64, {2, 3}}));
  EXPECT_EQ(r.get<int64_t>(), (std::vector<int64_t>{1, 2, 3, -1, -1, -1}));
  // Elements are moved bit for bit: f16 and bool operands, a NaN payload survives.
  Result h = run(OpKind::Where, {boolean({3}, {0, 1, 2}), f16({3}, {0x3C00, 0x7E01, 0x4000}), f16({1}, {0xFC00})});
  ASSERT_EQ(h.error, "");
  EXPECT_EQ(h.get<uint16_t>(), (std::vector<uint16_t>{0xFC00, 0x7E01, 0x4000}));
  Result b = run(OpKind::Where, {boolean({2}, {1, 0}), boolean({2}, {1, 1}), boolean({2}, {0, 0})});
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(b.get<uint8_t>(), (B{1, 0}));
}

TEST(KernelsBinaryLogic, WhereChecksTypesAndShapes) {
  expect_error(run(OpKind::Where, {f32({1}, {1}), f32({1}, {1}), f32({1}, {2})}).error, "Where", "bool");
  expect_error(run(OpKind::Where, {boolean({1}, {1}), f32({1}, {1}), f64({1}, {2})}).error, "Where",
               "different element types");
  expect_error(run(OpKind::Where, {boolean({2}, {1, 0}), f32({3}, {1, 2, 3}), f32({1}, {2})}).error, "Where");
}

// ---- Max, Min, Sum, Mean ------------------------------------------------------------------------

TEST(KernelsBinaryLogic, MaxMinOfThreeBroadcast) {
  // A [3] = {1, 5, 3}, B [2,1] = {2, 4}, C [] = 3 -> [2,3].
  auto ins = [] { return std::vector<Tensor>{f32({3}, {1, 5, 3}), f32({2, 1}, {2, 4}), f32({}, {3})}; };
  Result mx = run(OpKind::Max, ins());
  ASSERT_EQ(mx.error, "");
  EXPECT_EQ(mx.type(), (TensorType{DType::f32, {2, 3}}));
  // row 0: max(1,2,3)=3, max(5,2,3)=5, max(3,2,3)=3; row 1: 4, 5, 4.
  EXPECT_EQ(mx.get<float>(), (std::vector<float>{3, 5, 3, 4, 5, 4}));
  Result mn = run(OpKind::Min, ins());
  ASSERT_EQ(mn.error, "");
  // row 0: 1, 2, 2; row 1: 1, 3, 3.
  EXPECT_EQ(mn.get<float>(), (std::vector<float>{1, 2, 2, 1, 3, 3}));
}

TEST(KernelsBinaryLogic, MaxMinPropagateNaN) {
  // NaN in any operand position wins, as NumPy's maximum/minimum.
  for (OpKind k : {OpKind::Max, OpKind::Min}) {
    Result r = run(k, {f32({3}, {kNaN, 1, 1}), f32({3}, {1, kNaN, 2}), f32({3}, {0, 0, kNaN})});
    ASSERT_EQ(r.error, "");
    for (float v : r.get<float>()) EXPECT_TRUE(std::isnan(v));
  }
  // f16: max(1, NaN 0x7E00) keeps the NaN's bits; max(-2, 1) = 1.
  Result h = run(OpKind::Max, {f16({2}, {0x3C00, 0xC000}), f16({2}, {0x7E00, 0x3C00})});
  ASSERT_EQ(h.error, "");
  EXPECT_EQ(h.get<uint16_t>(), (std::vector<uint16_t>{0x7E00, 0x3C00}));
}

TEST(KernelsBinaryLogic, MaxMinIntegersExact) {
  Result r = run(OpKind::Max, {u64({2}, {UINT64_MAX - 1, 0}), u64({2}, {UINT64_MAX, 1})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint64_t>(), (std::vector<uint64_t>{UINT64_MAX, 1}));
  Result s = run(OpKind::Min, {i8({3}, {-128, 127, 0}), i8({1}, {-1})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.get<int8_t>(), (std::vector<int8_t>{-128, -1, -1}));
  const int64_t big = (int64_t{1} << 53) + 1;
  Result w = run(OpKind::Max, {i64({1}, {big}), i64({1}, {big - 1})});
  EXPECT_EQ(w.get<int64_t>(), (std::vector<int64_t>{big}));
}

TEST(KernelsBinaryLogic, SumMeanBroadcast) {
  auto ins = [] { return std::vector<Tensor>{f32({3}, {1, 5, 3}), f32({2, 1}, {2, 4}), f32({}, {3})}; };
  Result s = run(OpKind::Sum, ins());
  ASSERT_EQ(s.error, "");
  // row 0: 1+2+3, 5+2+3, 3+2+3; row 1: 1+4+3, 5+4+3, 3+4+3.
  expect_near(s.get<float>(), {6, 10, 8, 8, 12, 10});
  Result m = run(OpKind::Mean, ins());
  ASSERT_EQ(m.error, "");
  expect_near(m.get<float>(), {2, 10.0 / 3, 8.0 / 3, 8.0 / 3, 4, 10.0 / 3});
  Result d = run(OpKind::Mean, {f64({2}, {1, kInf}), f64({2}, {2, 1})});
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.get<double>(), (std::vector<double>{1.5, kInf}));
}

TEST(KernelsBinaryLogic, VariadicOneOperandIsACopy) {
  for (OpKind k : {OpKind::Max, OpKind::Min, OpKind::Sum, OpKind::Mean}) {
    Result r = run(k, {f32({2, 2}, {1, -2, 3.5f, 0})});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.get<float>(), (std::vector<float>{1, -2, 3.5f, 0}));
  }
}

TEST(KernelsBinaryLogic, VariadicChecksShapesAndTypes) {
  expect_error(run(OpKind::Max, {f32({2}, {1, 2}), f32({3}, {1, 2, 3})}).error, "Max", "broadcast");
  expect_error(run(OpKind::Sum, {f32({2}, {1, 2}), f32({1}, {1}), f32({3}, {1, 2, 3})}).error, "Sum");
  expect_error(run(OpKind::Min, {f32({1}, {1}), i32({1}, {1})}).error, "Min");
  expect_error(run(OpKind::Mean, {}).error, "Mean", "at least one");
  // ONNX Sum and Mean are defined for floating-point types only.
  expect_error(run(OpKind::Sum, {i32({1}, {1}), i32({1}, {1})}).error, "Sum", "i32");
}

// ---- float16 / bfloat16 rounding (through Sum and Mean) --------------------------------------------

TEST(KernelsBinaryLogic, HalfRoundsToNearestEven) {
  // f16 spacing at 2048 is 2: 2048 + 1 = 2049 ties to even 2048 (0x6800);
  // 2050 (0x6801) + 1 = 2051 ties to even 2052 (0x6802); 2048 + 1.5 rounds up to 2050.
  Result r = run(OpKind::Sum, {f16({3}, {0x6800, 0x6801, 0x6800}), f16({3}, {0x3C00, 0x3C00, 0x3E00})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint16_t>(), (std::vector<uint16_t>{0x6800, 0x6802, 0x6801}));
  // 65504 (0x7BFF, the largest) + 65504 overflows to +inf; -65504 twice to -inf;
  // 65504 + 8 = 65512 is below the midpoint 65520 and stays 65504.
  Result o = run(OpKind::Sum, {f16({3}, {0x7BFF, 0xFBFF, 0x7BFF}), f16({3}, {0x7BFF, 0xFBFF, 0x4800})});
  ASSERT_EQ(o.error, "");
  EXPECT_EQ(o.get<uint16_t>(), (std::vector<uint16_t>{0x7C00, 0xFC00, 0x7BFF}));
}

TEST(KernelsBinaryLogic, HalfSumRoundsPerAddition) {
  // Operand by operand, as the ONNX reference (NumPy float16) adds: 2048 + 1 = 2049 ties
  // to 2048, and again; one rounding of the exact 2050 would give 0x6801 instead.
  Result r = run(OpKind::Sum, {f16({1}, {0x6800}), f16({1}, {0x3C00}), f16({1}, {0x3C00})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint16_t>(), (std::vector<uint16_t>{0x6800}));
  // Mean divides the rounded sum: (2048 + 1 + 1) / 3 -> 2048 / 3 = 682.67, spacing 0.5
  // at 512..1024, so 682.5 (0x6155: exponent 24, mantissa 0x155 = 341/1024).
  Result m = run(OpKind::Mean, {f16({1}, {0x6800}), f16({1}, {0x3C00}), f16({1}, {0x3C00})});
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.get<uint16_t>(), (std::vector<uint16_t>{0x6155}));
}

TEST(KernelsBinaryLogic, HalfSubnormals) {
  // Mean of the smallest subnormal 2^-24 (0x0001) and 0 is 2^-25: a tie between 0 and
  // 2^-24, to even 0. 3 * 2^-24 (0x0003) with 0: 1.5 * 2^-24 ties to 2 * 2^-24 (0x0002).
  // The largest subnormal 0x03FF plus 2^-24 carries into the smallest normal 0x0400.
  Result r = run(OpKind::Mean, {f16({2}, {0x0001, 0x0003}), f16({2}, {0x0000, 0x0000})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint16_t>(), (std::vector<uint16_t>{0x0000, 0x0002}));
  Result c = run(OpKind::Sum, {f16({1}, {0x03FF}), f16({1}, {0x0001})});
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.get<uint16_t>(), (std::vector<uint16_t>{0x0400}));
  // -0 + -0 = -0 (0x8000); NaN stays a NaN.
  Result z = run(OpKind::Sum, {f16({2}, {0x8000, 0x7E00}), f16({2}, {0x8000, 0x3C00})});
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(z.get<uint16_t>()[0], 0x8000);
  EXPECT_EQ(z.get<uint16_t>()[1] & 0x7C00, 0x7C00);
  EXPECT_NE(z.get<uint16_t>()[1] & 0x03FF, 0);
}

TEST(KernelsBinaryLogic, BFloatRoundsToNearestEven) {
  // bf16 spacing at 1 is 2^-7. 1 + 2^-8 (0x3B80) ties to even 1 (0x3F80);
  // 1 + 3 * 2^-8 (0x3C40) ties between 1 + 2^-7 (0x3F81) and 1 + 2^-6 (0x3F82): 0x3F82.
  Result r = run(OpKind::Sum, {bf16({2}, {0x3F80, 0x3F80}), bf16({2}, {0x3B80, 0x3C40})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<uint16_t>(), (std::vector<uint16_t>{0x3F80, 0x3F82}));
  // Mean(2, 4) = 3 (0x4040), through PRelu's float path too: -2 * 0.5 = -1 (0xBF80).
  Result m = run(OpKind::Mean, {bf16({1}, {0x4000}), bf16({1}, {0x4080})});
  EXPECT_EQ(m.get<uint16_t>(), (std::vector<uint16_t>{0x4040}));
  Result p = run(OpKind::PRelu, {bf16({1}, {0xC000}), bf16({1}, {0x3F00})});
  EXPECT_EQ(p.get<uint16_t>(), (std::vector<uint16_t>{0xBF80}));
}

// ---- empty results ---------------------------------------------------------------------------------

TEST(KernelsBinaryLogic, EmptyOperandsGiveEmptyResults) {
  Result r = run(OpKind::Where, {boolean({0, 1}, {}), f32({3}, {1, 2, 3}), f32({}, {0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dims, (Dims{0, 3}));
  Result m = run(OpKind::Mod, {i32({0}, {}), i32({1}, {0})});
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.type().dims, (Dims{0}));
}

}  // namespace
