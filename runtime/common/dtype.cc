// dtype.cc - sizes and names of element types.
#include "dtype.h"

#include <array>

namespace halo::sem {
namespace {

struct DTypeInfo {
  DType type;
  std::string_view name;
  size_t size;
};

constexpr std::array<DTypeInfo, 22> kInfos = {{
    {DType::undefined, "undefined", 0},
    {DType::f32, "f32", 4},
    {DType::f16, "f16", 2},
    {DType::bf16, "bf16", 2},
    {DType::f64, "f64", 8},
    {DType::i8, "i8", 1},
    {DType::i16, "i16", 2},
    {DType::i32, "i32", 4},
    {DType::i64, "i64", 8},
    {DType::u8, "u8", 1},
    {DType::u16, "u16", 2},
    {DType::u32, "u32", 4},
    {DType::u64, "u64", 8},
    {DType::boolean, "bool", 1},
    {DType::f8e4m3fn, "f8e4m3fn", 1},
    {DType::f8e4m3fnuz, "f8e4m3fnuz", 1},
    {DType::f8e5m2, "f8e5m2", 1},
    {DType::f8e5m2fnuz, "f8e5m2fnuz", 1},
    {DType::f8e8m0, "f8e8m0", 1},
    {DType::i4, "i4", 1},  // one byte per element (see dtype.h)
    {DType::u4, "u4", 1},
    {DType::f4e2m1, "f4e2m1", 1},
}};

}  // namespace

size_t dtype_size(DType t) {
  auto i = static_cast<size_t>(t);
  return i < kInfos.size() ? kInfos[i].size : 0;
}

std::string_view dtype_name(DType t) {
  auto i = static_cast<size_t>(t);
  return i < kInfos.size() ? kInfos[i].name : "invalid";
}

bool dtype_is_float(DType t) {
  switch (t) {
    case DType::f32:
    case DType::f16:
    case DType::bf16:
    case DType::f64:
    case DType::f8e4m3fn:
    case DType::f8e4m3fnuz:
    case DType::f8e5m2:
    case DType::f8e5m2fnuz:
    case DType::f8e8m0:
    case DType::f4e2m1: return true;
    default: return false;
  }
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kInfos)
    if (info.name == name && info.type != DType::undefined) return info.type;
  return std::nullopt;
}

}  // namespace halo::sem
