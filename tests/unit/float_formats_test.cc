// float_formats_test.cc - the narrow element types (float8, float4, int4/uint4): the bit
// conversions of runtime/common/float_formats.h, and Cast, QuantizeLinear,
// DequantizeLinear and integer Clip through the reference kernels.
//
// Expected values come from the bit layouts themselves (an independent decoder written
// below from the format definitions: sign, E exponent bits with a bias, M mantissa bits)
// and from values the formats are known for: e4m3fn max 448 (0x7E), e4m3fnuz max 240
// (0x7F), e5m2 max 57344 (0x7B), e5m2fnuz max 57344 (0x7F), float4 e2m1 max 6 (0x7), and
// e8m0 byte b = 2^(b-127).
#include <cmath>
#include <limits>

#include "float_formats.h"
#include "kernel_harness.h"

namespace halo_test {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

struct Layout {
  DType type;
  int E, M, bias;
  double max;
  uint8_t max_bits;
};

const Layout kLayouts[] = {
    {DType::f8e4m3fn, 4, 3, 7, 448.0, 0x7E},
    {DType::f8e4m3fnuz, 4, 3, 8, 240.0, 0x7F},
    {DType::f8e5m2, 5, 2, 15, 57344.0, 0x7B},
    {DType::f8e5m2fnuz, 5, 2, 16, 57344.0, 0x7F},
    {DType::f4e2m1, 2, 1, 1, 6.0, 0x07},
};

// Which bit patterns are not finite numbers, per the ONNX float8 definitions.
bool is_nan_pattern(const Layout& l, unsigned b) {
  switch (l.type) {
    case DType::f8e4m3fn: return (b & 0x7F) == 0x7F;
    case DType::f8e4m3fnuz:
    case DType::f8e5m2fnuz: return b == 0x80;
    case DType::f8e5m2: return (b & 0x7C) == 0x7C && (b & 0x03) != 0;
    default: return false;
  }
}
bool is_inf_pattern(const Layout& l, unsigned b) { return l.type == DType::f8e5m2 && (b & 0x7F) == 0x7C; }

// The value of pattern b: (-1)^s * 2^(e - bias) * (1 + m / 2^M), or 2^(1 - bias) * m / 2^M
// when e = 0.
double layout_value(const Layout& l, unsigned b) {
  unsigned s = (b >> (l.E + l.M)) & 1, e = (b >> l.M) & ((1u << l.E) - 1), m = b & ((1u << l.M) - 1);
  double frac = static_cast<double>(m) / static_cast<double>(1u << l.M);
  double v = e == 0 ? std::pow(2.0, 1 - l.bias) * frac : std::pow(2.0, static_cast<int>(e) - l.bias) * (1 + frac);
  return s ? -v : v;
}

unsigned pattern_count(const Layout& l) { return 1u << (1 + l.E + l.M); }

TEST(FloatFormats, DecodeEveryPatternFromTheBitLayout) {
  for (const Layout& l : kLayouts) {
    for (unsigned b = 0; b < pattern_count(l); ++b) {
      double got = narrow_float_to_double(l.type, static_cast<uint8_t>(b));
      if (is_nan_pattern(l, b)) {
        EXPECT_TRUE(std::isnan(got)) << dtype_name(l.type) << " " << b;
      } else if (is_inf_pattern(l, b)) {
        EXPECT_EQ(got, (b & 0x80) ? -kInf : kInf) << dtype_name(l.type) << " " << b;
      } else {
        EXPECT_EQ(got, layout_value(l, b)) << dtype_name(l.type) << " " << b;
      }
    }
    EXPECT_EQ(narrow_float_to_double(l.type, l.max_bits), l.max) << dtype_name(l.type);
  }
}

TEST(FloatFormats, EncodeRoundTripsEveryFiniteValue) {
  for (const Layout& l : kLayouts) {
    for (unsigned b = 0; b < pattern_count(l); ++b) {
      if (is_nan_pattern(l, b) || is_inf_pattern(l, b)) continue;
      double v = layout_value(l, b);
      unsigned want = b;
      // The fnuz types have no -0.
      bool fnuz = l.type == DType::f8e4m3fnuz || l.type == DType::f8e5m2fnuz;
      if (fnuz && v == 0) want = 0;
      for (bool saturate : {true, false})
        EXPECT_EQ(narrow_float_from_double(l.type, v, saturate), want) << dtype_name(l.type) << " " << v;
    }
  }
}

// Between two neighbours a < b, the midpoint goes to the one whose pattern is even (ties
// to even), anything above it to b and below it to a.
TEST(FloatFormats, RoundsToNearestTiesToEven) {
  for (const Layout& l : kLayouts) {
    unsigned half = pattern_count(l) / 2;
    for (unsigned b = 0; b + 1 < half; ++b) {
      if (is_nan_pattern(l, b + 1) || is_inf_pattern(l, b + 1)) break;
      double lo = layout_value(l, b), hi = layout_value(l, b + 1), mid = (lo + hi) / 2;
      double eps = (hi - lo) / 64;
      EXPECT_EQ(narrow_float_from_double(l.type, mid, true), (b % 2 == 0) ? b : b + 1) << dtype_name(l.type) << " " << mid;
      EXPECT_EQ(narrow_float_from_double(l.type, mid + eps, true), b + 1) << dtype_name(l.type) << " " << mid;
      EXPECT_EQ(narrow_float_from_double(l.type, mid - eps, true), b) << dtype_name(l.type) << " " << mid;
    }
  }
  // Known values: 0.4789254665 -> 0.46875 in e4m3fn, 0.5 in e5m2 (ONNX's own Cast test).
  EXPECT_EQ(narrow_float_to_double(DType::f8e4m3fn, narrow_float_from_double(DType::f8e4m3fn, 0.4789254665, true)),
            0.46875);
  EXPECT_EQ(narrow_float_to_double(DType::f8e5m2, narrow_float_from_double(DType::f8e5m2, 0.4789254665, true)), 0.5);
}

// The tables of the ONNX Cast specification (opset 24), saturate = 1 and 0.
TEST(FloatFormats, OverflowAndSpecialValuesFollowTheSpec) {
  const double big = 1e6;
  for (const Layout& l : kLayouts) {
    const char* n = dtype_name(l.type).data();
    uint8_t pos_max = l.max_bits, neg_max = static_cast<uint8_t>(l.max_bits | (1u << (l.E + l.M)));
    // saturate: +-inf and out-of-range values become +-max.
    EXPECT_EQ(narrow_float_from_double(l.type, kInf, true), pos_max) << n;
    EXPECT_EQ(narrow_float_from_double(l.type, -kInf, true), neg_max) << n;
    EXPECT_EQ(narrow_float_from_double(l.type, big, true), pos_max) << n;
    EXPECT_EQ(narrow_float_from_double(l.type, -big, true), neg_max) << n;
    if (l.type == DType::f4e2m1) {
      // No infinity or NaN: always saturates; NaN becomes 0.
      EXPECT_EQ(narrow_float_from_double(l.type, big, false), pos_max);
      EXPECT_EQ(narrow_float_from_double(l.type, kNaN, true) & 0x7, 0);
      continue;
    }
    EXPECT_TRUE(std::isnan(narrow_float_to_double(l.type, narrow_float_from_double(l.type, kNaN, true)))) << n;
    // saturate = 0: e5m2 overflows to infinity, the others to NaN.
    double got = narrow_float_to_double(l.type, narrow_float_from_double(l.type, big, false));
    double got_inf = narrow_float_to_double(l.type, narrow_float_from_double(l.type, -kInf, false));
    if (l.type == DType::f8e5m2) {
      EXPECT_EQ(got, kInf);
      EXPECT_EQ(got_inf, -kInf);
    } else {
      EXPECT_TRUE(std::isnan(got)) << n;
      EXPECT_TRUE(std::isnan(got_inf)) << n;
    }
  }
  // e4m3fn: 464 is the tie between 448 (even) and 480 (not a number): 448; above it NaN.
  EXPECT_EQ(narrow_float_from_double(DType::f8e4m3fn, 464, false), 0x7E);
  EXPECT_EQ(narrow_float_from_double(DType::f8e4m3fn, 465, false), 0x7F);
  // -0: kept by e4m3fn/e5m2, +0 in the fnuz types.
  EXPECT_EQ(narrow_float_from_double(DType::f8e4m3fn, -0.0, true), 0x80);
  EXPECT_EQ(narrow_float_from_double(DType::f8e5m2fnuz, -0.0, true), 0x00);
  EXPECT_EQ(narrow_float_from_double(DType::f8e4m3fnuz, -1e-9, true), 0x00);
}

TEST(FloatFormats, E8M0PowersOfTwoAndRounding) {
  for (int b = 0; b < 255; ++b)
    EXPECT_EQ(narrow_float_to_double(DType::f8e8m0, static_cast<uint8_t>(b)), std::ldexp(1.0, b - 127));
  EXPECT_TRUE(std::isnan(narrow_float_to_double(DType::f8e8m0, 0xFF)));
  // 2^k is exact in every mode.
  for (auto mode : {E8M0Rounding::up, E8M0Rounding::down, E8M0Rounding::nearest})
    EXPECT_EQ(e8m0_from_double(8.0, true, mode), 127 + 3);
  // 1.1: up -> 2, down -> 1, nearest -> 1; 1.5 is the tie, which rounds up; 1.6 -> 2.
  EXPECT_EQ(e8m0_from_double(1.1, true, E8M0Rounding::up), 128);
  EXPECT_EQ(e8m0_from_double(1.1, true, E8M0Rounding::down), 127);
  EXPECT_EQ(e8m0_from_double(1.1, true, E8M0Rounding::nearest), 127);
  EXPECT_EQ(e8m0_from_double(1.5, true, E8M0Rounding::nearest), 128);
  EXPECT_EQ(e8m0_from_double(0.124, true, E8M0Rounding::up), 127 - 3);  // 0.125
  // The spec's table: saturate + up vs non-saturate + nearest.
  EXPECT_EQ(e8m0_from_double(0.0, true, E8M0Rounding::up), 0x00);
  EXPECT_EQ(e8m0_from_double(0.0, false, E8M0Rounding::nearest), 0xFF);
  EXPECT_EQ(e8m0_from_double(kInf, true, E8M0Rounding::up), 0xFE);
  EXPECT_EQ(e8m0_from_double(kInf, false, E8M0Rounding::nearest), 0xFF);
  EXPECT_EQ(e8m0_from_double(1e300, true, E8M0Rounding::up), 0xFE);
  EXPECT_EQ(e8m0_from_double(1e-300, true, E8M0Rounding::up), 0x00);
  EXPECT_EQ(e8m0_from_double(1e-300, false, E8M0Rounding::nearest), 0xFF);
  EXPECT_EQ(e8m0_from_double(kNaN, true, E8M0Rounding::up), 0xFF);
}

TEST(FloatFormats, HalfMatchesBinary16) {
  EXPECT_EQ(half_from_double(1.0), 0x3C00);
  EXPECT_EQ(half_from_double(65504.0), 0x7BFF);
  EXPECT_EQ(half_from_double(65520.0), 0x7C00);  // the tie above the max rounds to infinity
  EXPECT_EQ(half_from_double(std::ldexp(1.0, -24)), 0x0001);
  EXPECT_EQ(half_to_double(0xC580), -5.5);
}

// ---- through the kernels ----------------------------------------------------------------

Result cast(Tensor in, const char* dtype, int64_t saturate = 1) {
  return run(OpKind::Cast, {std::move(in)}, attrs({{"dtype", dtype}, {"saturate", saturate}}));
}

TEST(FloatFormats, CastToAndFromFloat8) {
  Result r = cast(f32({3}, {448.0f, 1000.0f, -0.3f}), "f8e4m3fn");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::f8e4m3fn);
  // 0.3 lies between 0.28125 (0x29) and 0.3125 (0x2A), nearer the second.
  EXPECT_EQ(r.get<uint8_t>(), (std::vector<uint8_t>{0x7E, 0x7E, 0xAA}));
  Result n = cast(f32({2}, {1000.0f, 57344.0f * 2}), "f8e5m2", 0);
  ASSERT_EQ(n.error, "");
  // 1000 lies between 896 and 1024 = 2^10 (0 11001 00); 2 * max overflows to infinity.
  EXPECT_EQ(n.get<uint8_t>(), (std::vector<uint8_t>{0x64, 0x7C}));
  Result back = cast(make<uint8_t>(DType::f8e5m2, {3}, {0x64, 0x7C, 0x7B}), "f32");
  ASSERT_EQ(back.error, "");
  EXPECT_EQ(back.f(), (std::vector<float>{1024.0f, std::numeric_limits<float>::infinity(), 57344.0f}));
  // e8m0 with round_mode down.
  Result e = run(OpKind::Cast, {f32({2}, {3.0f, 0.5f})}, attrs({{"dtype", "f8e8m0"}, {"round_mode", "down"}}));
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.get<uint8_t>(), (std::vector<uint8_t>{128, 126}));
  expect_error(run(OpKind::Cast, {f32({1}, {1})}, attrs({{"dtype", "f8e8m0"}, {"round_mode", "odd"}})).error, "Cast",
               "round_mode");
}

TEST(FloatFormats, CastInt4WrapsAndSignExtends) {
  Result r = cast(f32({5}, {-9, -8, 7, 8, 15.7f}), "i4");
  ASSERT_EQ(r.error, "");
  // Wrapped to the low 4 bits (-9 -> 7, 8 -> -8, 15 -> -1), one sign-extended byte each.
  EXPECT_EQ(r.get<int8_t>(), (std::vector<int8_t>{7, -8, 7, -8, -1}));
  Result u = cast(i32({3}, {-3, 20, 15}), "u4");
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.get<uint8_t>(), (std::vector<uint8_t>{13, 4, 15}));
  Result back = cast(make<int8_t>(DType::i4, {2}, {-8, 7}), "f32");
  ASSERT_EQ(back.error, "");
  EXPECT_EQ(back.f(), (std::vector<float>{-8, 7}));
  Result f4 = cast(f32({4}, {0.3f, 2.5f, 100.0f, -1.25f}), "f4e2m1");
  ASSERT_EQ(f4.error, "");
  // float4 values 0, 0.5, 1, 1.5, 2, 3, 4, 6: 0.3 -> 0.5 (0x1), 2.5 -> 2 (tie to even,
  // 0x4), 100 -> 6 (0x7), -1.25 -> -1 (tie to even, 0xA).
  EXPECT_EQ(f4.get<uint8_t>(), (std::vector<uint8_t>{0x1, 0x4, 0x7, 0xA}));
}

TEST(FloatFormats, QuantizeAndDequantizeNarrowTypes) {
  // int4, per axis: round_half_even(x / scale) + zp, saturated to [-8, 7].
  Result q = run(OpKind::QuantizeLinear,
                 {f32({2, 2}, {-30, 5, 12, 100}), f32({2}, {2, 4}), make<int8_t>(DType::i4, {2}, {1, -1})},
                 attrs({{"axis", int64_t{0}}}));
  ASSERT_EQ(q.error, "");
  EXPECT_EQ(q.type().dtype, DType::i4);
  // -15 + 1 -> -8; 2.5 -> 2, + 1 = 3; 3 - 1 = 2; 25 - 1 -> 7.
  EXPECT_EQ(q.get<int8_t>(), (std::vector<int8_t>{-8, 3, 2, 7}));
  // float8: x / scale converted with saturation.
  Result f = run(OpKind::QuantizeLinear, {f32({3}, {2, 1e5f, -3}), f32({}, {2}), make<uint8_t>(DType::f8e4m3fn, {1}, {0})});
  ASSERT_EQ(f.error, "");
  EXPECT_EQ(f.get<uint8_t>(), (std::vector<uint8_t>{0x38, 0x7E, 0xBC}));  // 1, 448, -1.5
  // Dequantize uint4 and float8 (x - zp) * scale.
  Result d = run(OpKind::DequantizeLinear, {make<uint8_t>(DType::u4, {3}, {0, 7, 15}), f32({}, {2}),
                                            make<uint8_t>(DType::u4, {}, {1})});
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.f(), (std::vector<float>{-2, 12, 28}));
  Result d8 = run(OpKind::DequantizeLinear, {make<uint8_t>(DType::f8e5m2, {2}, {0x7B, 0xC0}), f16({}, {0x4000})});
  ASSERT_EQ(d8.error, "");
  EXPECT_EQ(d8.type().dtype, DType::f16);
  EXPECT_EQ(d8.get<uint16_t>(), (std::vector<uint16_t>{0x7C00, 0xC400}));  // 2*57344 overflows f16; -2*2 = -4
}

TEST(FloatFormats, ClipIntegersAndUnboundedDefaults) {
  Result r = run(OpKind::Clip, {i8({5}, {-128, -3, 0, 5, 127})}, attrs({{"min", -2.5}, {"max", 4.0}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int8_t>(), (std::vector<int8_t>{-2, -2, 0, 4, 4}));  // bounds round inward
  Result only_min = run(OpKind::Clip, {i64({2}, {INT64_MIN, INT64_MAX})}, attrs({{"min", 0.0}}));
  ASSERT_EQ(only_min.error, "");
  EXPECT_EQ(only_min.get<int64_t>(), (std::vector<int64_t>{0, INT64_MAX}));
  // The default bounds are no bounds, even for f64 beyond FLT_MAX.
  Result d = run(OpKind::Clip, {f64({2}, {1e300, -1e300})});
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.d(), (std::vector<double>{1e300, -1e300}));
}

}  // namespace
}  // namespace halo_test
