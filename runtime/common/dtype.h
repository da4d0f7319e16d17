// dtype.h - element types shared by the compiler and the runtimes.
//
// The compiler's IR, the reference kernels and the ODLA runtimes all speak about the same
// element types; this header names them once. The order matches odla_element_type in
// include/ODLA/odla_types.h so that a cast converts between the two.
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
};

/// Size in bytes of one element (0 for `undefined`).
size_t dtype_size(DType t);

/// Short name used by the text IR and diagnostics ("f32", "i64", "bool", ...).
std::string_view dtype_name(DType t);

/// Inverse of dtype_name; nullopt for an unknown name.
std::optional<DType> dtype_from_name(std::string_view name);

}  // namespace halo::sem
