// float_formats.cc - the narrow float formats by their bit layout: sign, E exponent bits
// with a bias, M mantissa bits, and one of four rules for the special values.
#include "float_formats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace halo::sem {
namespace {

enum class Specials {
  ieee,  // all-ones exponent: infinity (mantissa 0) or NaN (e5m2, binary16)
  fn,    // no infinity; only S.1111.111 is NaN (e4m3fn)
  fnuz,  // no infinity, no -0; 0x80 (the -0 pattern) is NaN (e4m3fnuz, e5m2fnuz)
  none,  // neither infinity nor NaN (float4 e2m1)
};

struct Format {
  int E, M, bias;
  Specials specials;

  uint32_t sign_bit() const { return 1u << (E + M); }
  uint32_t exp_ones() const { return (1u << E) - 1; }
  uint32_t mant_ones() const { return (1u << M) - 1; }
  /// The bit pattern of the largest finite value.
  uint32_t max_bits() const {
    switch (specials) {
      case Specials::ieee: return ((exp_ones() - 1) << M) | mant_ones();
      case Specials::fn: return (exp_ones() << M) | (mant_ones() - 1);
      default: return (exp_ones() << M) | mant_ones();
    }
  }
};

Format format_of(DType t) {
  switch (t) {
    case DType::f8e4m3fn: return {4, 3, 7, Specials::fn};
    case DType::f8e4m3fnuz: return {4, 3, 8, Specials::fnuz};
    case DType::f8e5m2: return {5, 2, 15, Specials::ieee};
    case DType::f8e5m2fnuz: return {5, 2, 16, Specials::fnuz};
    case DType::f4e2m1: return {2, 1, 1, Specials::none};
    case DType::bf16: return {8, 7, 127, Specials::ieee};
    default: return {5, 10, 15, Specials::ieee};  // binary16
  }
}

double decode(const Format& f, uint32_t bits) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  bool negative = (bits & f.sign_bit()) != 0;
  uint32_t e = (bits >> f.M) & f.exp_ones(), m = bits & f.mant_ones();
  if (f.specials == Specials::fnuz && bits == f.sign_bit()) return nan;
  if (f.specials == Specials::fn && e == f.exp_ones() && m == f.mant_ones()) return negative ? -nan : nan;
  if (f.specials == Specials::ieee && e == f.exp_ones()) {
    double special = m ? nan : std::numeric_limits<double>::infinity();
    return negative ? -special : special;
  }
  // Subnormals share the minimum exponent 1 - bias and have no implicit leading 1.
  double v = e == 0 ? std::ldexp(static_cast<double>(m), 1 - f.bias - f.M)
                    : std::ldexp(static_cast<double>((1u << f.M) | m), static_cast<int>(e) - f.bias - f.M);
  return negative ? -v : v;
}

// Rounds in long double (at least double's precision) so that 64-bit integers given to
// float16_from round once; the other callers pass doubles, which convert exactly.
uint32_t encode(const Format& f, long double v, bool saturate) {
  const uint32_t sign = std::signbit(v) ? f.sign_bit() : 0;
  if (std::isnan(v)) {
    switch (f.specials) {
      case Specials::ieee: return sign | (f.exp_ones() << f.M) | (1u << (f.M - 1));  // quiet NaN
      case Specials::fn: return sign | (f.exp_ones() << f.M) | f.mant_ones();
      case Specials::fnuz: return f.sign_bit();
      case Specials::none: return 0;
    }
  }
  auto overflow = [&]() -> uint32_t {
    if (saturate || f.specials == Specials::none) return sign | f.max_bits();
    if (f.specials == Specials::ieee) return sign | (f.exp_ones() << f.M);  // infinity
    if (f.specials == Specials::fn) return sign | (f.exp_ones() << f.M) | f.mant_ones();
    return f.sign_bit();  // fnuz NaN
  };
  const uint32_t zero = f.specials == Specials::fnuz ? 0 : sign;
  long double a = std::fabs(v);
  if (std::isinf(a)) return overflow();
  if (a == 0) return zero;
  // a = 1.f * 2^exponent; below the normal range the quantum stays that of the minimum
  // exponent (subnormals). The significand in units of the quantum is exact in double
  // (a scaling by a power of two); round it to an integer, ties to even.
  int e2 = 0;
  std::frexp(a, &e2);
  int exponent = std::max(e2 - 1, 1 - f.bias);
  long double scaled = std::ldexp(a, f.M - exponent);
  long double q = std::floor(scaled), rest = scaled - q;
  if (rest > 0.5L || (rest == 0.5L && std::fmod(q, 2.0L) != 0)) q += 1;
  if (q == std::ldexp(1.0, f.M + 1)) {  // rounded up into the next binade
    q /= 2;
    ++exponent;
  }
  if (q == 0) return zero;
  if (std::ldexp(q, exponent - f.M) > static_cast<long double>(decode(f, f.max_bits()))) return overflow();
  auto significand = static_cast<uint32_t>(q);
  if (significand < (1u << f.M)) return sign | significand;  // subnormal
  return sign | (static_cast<uint32_t>(exponent + f.bias) << f.M) | (significand - (1u << f.M));
}

}  // namespace

bool is_narrow_float(DType t) {
  switch (t) {
    case DType::f8e4m3fn:
    case DType::f8e4m3fnuz:
    case DType::f8e5m2:
    case DType::f8e5m2fnuz:
    case DType::f8e8m0:
    case DType::f4e2m1: return true;
    default: return false;
  }
}

double narrow_float_to_double(DType t, uint8_t bits) {
  if (t == DType::f8e8m0)
    return bits == 0xFF ? std::numeric_limits<double>::quiet_NaN() : std::ldexp(1.0, static_cast<int>(bits) - 127);
  if (t == DType::f4e2m1) bits &= 0x0F;
  return decode(format_of(t), bits);
}

uint8_t narrow_float_from_double(DType t, double v, bool saturate) {
  if (t == DType::f8e8m0) return e8m0_from_double(v, saturate, E8M0Rounding::up);
  return static_cast<uint8_t>(encode(format_of(t), v, saturate));
}

uint8_t e8m0_from_double(double v, bool saturate, E8M0Rounding mode) {
  constexpr uint8_t kNaN = 0xFF, kMax = 0xFE, kMin = 0x00;
  if (std::isnan(v)) return kNaN;
  double a = std::fabs(v);
  if (std::isinf(a)) return saturate ? kMax : kNaN;
  if (a == 0) return saturate ? kMin : kNaN;
  int e2 = 0;
  double half_mantissa = std::frexp(a, &e2);  // a = (2 * half_mantissa) * 2^(e2 - 1)
  int k = e2 - 1;
  double m = 2 * half_mantissa;  // in [1, 2)
  if ((mode == E8M0Rounding::up && m > 1) || (mode == E8M0Rounding::nearest && m >= 1.5)) ++k;
  int biased = k + 127;
  if (biased > 254) return saturate ? kMax : kNaN;
  if (biased < 0) return saturate ? kMin : kNaN;
  return static_cast<uint8_t>(biased);
}

uint16_t half_from_double(double v) { return static_cast<uint16_t>(encode(format_of(DType::f16), v, false)); }

double half_to_double(uint16_t bits) { return decode(format_of(DType::f16), bits); }

static_assert(std::numeric_limits<long double>::digits >= 64,
              "float16_from needs a long double that holds every 64-bit integer");

uint16_t float16_from(DType t, long double v) {
  return static_cast<uint16_t>(encode(format_of(t == DType::bf16 ? DType::bf16 : DType::f16), v, false));
}

double float16_to_double(DType t, uint16_t bits) {
  return decode(format_of(t == DType::bf16 ? DType::bf16 : DType::f16), bits);
}

}  // namespace halo::sem
