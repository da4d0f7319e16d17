// values.cc - interpret-mode values and the value queries common to both modes.
//
// In interpret mode generated code creates values that carry their own data, runs
// operators on them eagerly and reads the results back. Those standalone values are
// created here (and by record_op for results), filled and read with memcpy, and freed
// individually. Values of a computation have no data of their own outside a context,
// so only their type (and a constant's data) can be read.
#include <cstring>

#include "odla_ref.h"

using namespace odla_ref;

extern "C" {

ODLA_API_EXPORT odla_value odla_CreateValue(odla_value_type type, odla_value_id id) {
  return api_call<odla_value>(nullptr, [&]() -> odla_value {
    auto v = std::make_unique<_odla_value>();
    v->id = decode_id(id, standalone_ids_as_int());
    if (std::string why = from_odla_type(type, v->type); !why.empty())
      return fail_value("value " + describe(v->id) + ": " + why);
    v->storage.resize(static_cast<size_t>(v->type.num_bytes()));
    return v.release();
  });
}

ODLA_API_EXPORT odla_status odla_SetValueData(odla_value value, const void* data_ptr) {
  return api_call(ODLA_FAILURE, [&] {
    if (value == nullptr || data_ptr == nullptr)
      return fail(ODLA_INVALID_PARAM, "odla_SetValueData: NULL value or data");
    if (value->kind != ValueKind::Standalone)
      return fail(ODLA_INVALID_PARAM, "value " + describe(value->id) +
                                          " belongs to a computation: bind its data to a context");
    if (!value->storage.empty())
      std::memcpy(value->storage.data(), data_ptr, value->storage.size());
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_GetValueData(const odla_value value, void* data_ptr) {
  return api_call(ODLA_FAILURE, [&] {
    if (value == nullptr || data_ptr == nullptr)
      return fail(ODLA_INVALID_PARAM, "odla_GetValueData: NULL value or data");
    const void* src = nullptr;
    if (value->kind == ValueKind::Standalone)
      src = value->storage.data();
    else if (value->kind == ValueKind::Constant)
      src = value->constant;
    else
      return fail(ODLA_INVALID_PARAM, "value " + describe(value->id) +
                                          " belongs to a computation and has no data outside "
                                          "a context");
    auto bytes = static_cast<size_t>(value->type.num_bytes());
    if (bytes > 0) std::memcpy(data_ptr, src, bytes);
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_ReleaseValue(odla_value value) {
  return api_call(ODLA_FAILURE, [&] {
    if (value == nullptr) return fail(ODLA_INVALID_PARAM, "odla_ReleaseValue: value is NULL");
    // A computation owns its values and frees them in odla_DestroyComputation.
    if (value->kind == ValueKind::Standalone) delete value;
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_GetValueType(const odla_value value,
                                              odla_value_type* value_type) {
  return api_call(ODLA_FAILURE, [&] {
    if (value == nullptr || value_type == nullptr)
      return fail(ODLA_INVALID_PARAM, "odla_GetValueType: NULL value or type");
    *value_type = to_odla_type(value->type);
    return ODLA_SUCCESS;
  });
}

}  // extern "C"
