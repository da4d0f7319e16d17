// dtype.h - element types shared by the compiler and the runtimes.
//
// The compiler's IR, the reference kernels and the ODLA runtimes all speak about the same
// element types; this header names them once. The order matches odla_element_type in
// include/ODLA/odla_types.h so that a cast converts between the two.
//
// The narrow types after `boolean` (float8, int4/uint4, float4) take ONE BYTE PER ELEMENT
// everywhere in memory: IR constants, runtime buffers, entry-function parameters. A float8
// byte is its bit pattern; an int4 byte is the value sign-extended to 8 bits; a uint4 or
// float4 byte holds the value in its low nibble (high nibble zero). ONNX packs 4-bit types
// two per byte; the ONNX reader unpacks them, so nothing after it sees packing. One byte
// per element keeps every layout kernel, the emitter and the executor unchanged (they move
// elements by size), at the cost of twice the memory for 4-bit weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace halo::sem {

/// Element type of a tensor. `undefined` marks an absent optional operand.
enum class DType : int32_t {
  undefined = 0,
  f32,
  f16,
  bf16,
  f64,
  i8,
  i16,
  i32,
  i64,
  u8,
  u16,
  u32,
  u64,
  boolean,
  f8e4m3fn,    // float8: 4 exponent bits, 3 mantissa bits, no infinity, NaN = S.1111.111
  f8e4m3fnuz,  // float8: 4/3 bits, bias 8, no infinity, no -0, NaN = 0x80
  f8e5m2,      // float8: 5/2 bits, IEEE-like (infinities and NaNs)
  f8e5m2fnuz,  // float8: 5/2 bits, bias 16, no infinity, no -0, NaN = 0x80
  f8e8m0,      // float8: unsigned, 8 exponent bits only (2^(e-127)), NaN = 0xFF
  i4,          // 4-bit signed integer [-8, 7], one byte per element (sign-extended)
  u4,          // 4-bit unsigned integer [0, 15], one byte per element
  f4e2m1,      // float4: sign, 2 exponent bits, 1 mantissa bit; no infinity or NaN
};

/// True for the floating-point element types (f32, f16, bf16, f64, float8, float4).
bool dtype_is_float(DType t);

/// Size in bytes of one element (0 for `undefined`).
size_t dtype_size(DType t);

/// Short name used by the text IR and diagnostics ("f32", "i64", "bool", ...).
std::string_view dtype_name(DType t);

/// Inverse of dtype_name; nullopt for an unknown name.
std::optional<DType> dtype_from_name(std::string_view name);

}  // namespace halo::sem
