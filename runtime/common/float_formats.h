// float_formats.h - bit-level conversions of the narrow floating-point element types
// (float8 e4m3fn/e4m3fnuz/e5m2/e5m2fnuz/e8m0, float4 e2m1) and of the 16-bit floats (IEEE
// binary16, bfloat16), to and from double.
//
// Every conversion that involves these types goes through here (the Cast kernel,
// QuantizeLinear / DequantizeLinear), so the rounding and overflow rules are written once,
// as the ONNX Cast specification (opset 24) states them:
//   - to float8 e4m3fn/e4m3fnuz/e5m2/e5m2fnuz: round to nearest, ties to even. With
//     saturate, a result beyond the largest finite value (infinities included) becomes
//     +-max; without it, e5m2 gives +-infinity and the types without infinity give NaN.
//     NaN stays NaN. The "fnuz" types have no negative zero: -0 becomes +0.
//   - to float4 e2m1 (no infinity, no NaN): round to nearest even, always saturating;
//     NaN becomes 0 (ONNX leaves it unspecified; its reference, through ml_dtypes, gives a
//     zero too).
//   - to float8 e8m0 (unsigned powers of two 2^(b-127), b = 0..254, NaN = 0xFF): the
//     exponent of |x| rounded up (the default: away from zero), down, or to the nearest
//     power of two with ties up; with saturate, results outside [2^-127, 2^127] clamp to
//     those bounds (infinity included), else they are NaN. The sign is ignored (the spec
//     leaves negative inputs unspecified).
#pragma once

#include <cstdint>

#include "dtype.h"

namespace halo::sem {

/// True for the one-byte float types handled here (float8 kinds and float4 e2m1).
bool is_narrow_float(DType t);

/// The exact value of a narrow float element `bits` of type `t` (NaN for its NaN
/// patterns, +-infinity for e5m2's infinities). Only the low nibble counts for f4e2m1.
double narrow_float_to_double(DType t, uint8_t bits);

/// `v` converted to the narrow float type `t` other than f8e8m0, by the rules above.
uint8_t narrow_float_from_double(DType t, double v, bool saturate);

/// How a conversion to float8 e8m0 rounds (ONNX Cast's round_mode).
enum class E8M0Rounding { up, down, nearest };

/// `v` converted to float8 e8m0 by the rules above.
uint8_t e8m0_from_double(double v, bool saturate, E8M0Rounding mode);

/// IEEE binary16: `v` rounded to nearest even (overflow gives infinity), and back.
uint16_t half_from_double(double v);
double half_to_double(uint16_t bits);

/// The 16-bit floats, IEEE binary16 (DType::f16) and bfloat16 (DType::bf16, the top half
/// of a float): `v` rounded once to nearest even (beyond the largest finite value by half
/// a step or more gives infinity; NaN stays a quiet NaN with its sign), and the exact value
/// of `bits`. The input is a long double so that every int64/uint64 converts with one
/// rounding on the targets we build for (x86-64's 64-bit significand); every conversion
/// to or from these two types in the reference kernels goes through these.
uint16_t float16_from(DType t, long double v);
double float16_to_double(DType t, uint16_t bits);

/// True for f16 and bf16.
inline bool is_float16(DType t) { return t == DType::f16 || t == DType::bf16; }

}  // namespace halo::sem
