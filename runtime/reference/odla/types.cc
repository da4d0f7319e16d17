// types.cc - conversions between ODLA's C structs and the shared tensor types.
//
// The C API describes types with odla_value_type and integer lists with
// odla_value_shape; the kernels and shape rules speak halo::sem::TensorType and
// TensorView. Every crossing between the two goes through the functions here so that
// validation (ranks, dimensions, element types) happens in one place.
#include <algorithm>

#include "odla_ref.h"

namespace odla_ref {

using halo::sem::DType;
using halo::sem::TensorType;
using halo::sem::TensorView;

static_assert(static_cast<int>(DType::f4e2m1) == ODLA_FLOAT4_E2M1 && static_cast<int>(DType::boolean) == ODLA_BOOL,
              "odla_element_type and halo::sem::DType must list the element types in one order");

std::string from_odla_type(const odla_value_type& in, TensorType& out) {
  int element_type = enum_number(in.element_type);
  if (element_type <= ODLA_UNDEFINED || element_type > ODLA_FLOAT4_E2M1)
    return "invalid element type " + std::to_string(element_type);
  if (in.shape.size < 0 || in.shape.size > ODLA_MAX_DIMENSION)
    return "invalid rank " + std::to_string(in.shape.size);
  out.dtype = static_cast<DType>(element_type);  // the enums share their order
  out.dims = shape_to_ints(in.shape);
  // The reference runtime allocates every buffer up front, so shapes must be static.
  if (!out.is_static() || out.num_bytes() < 0)
    return "dimensions [" + halo::sem::dims_to_string(out.dims) +
           "] are not static non-negative sizes";
  return {};
}

odla_value_type to_odla_type(const TensorType& t) {
  odla_value_type out{};
  out.element_type = static_cast<odla_element_type>(t.dtype);
  out.shape.size = static_cast<odla_int32>(std::min<size_t>(t.dims.size(), ODLA_MAX_DIMENSION));
  for (int32_t i = 0; i < out.shape.size; ++i) out.shape.dims[i] = t.dims[i];
  return out;
}

TensorView view_of(const _odla_value* v, const void* data) {
  if (v == nullptr) return {};
  // Kernels take void* for both directions; operands are only read.
  return TensorView{v->type, const_cast<void*>(data)};
}

std::vector<int64_t> shape_to_ints(const odla_value_shape& s) {
  int32_t n = std::clamp<int32_t>(s.size, 0, ODLA_MAX_DIMENSION);
  return std::vector<int64_t>(s.dims, s.dims + n);
}

std::vector<odla_value> values_to_vector(const odla_values& v) {
  int32_t n = std::clamp<int32_t>(v.size, 0, ODLA_MAX_OUTPUTS);
  return std::vector<odla_value>(v.values, v.values + n);
}

}  // namespace odla_ref
