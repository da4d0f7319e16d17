// computation.cc - building computations: creation, arguments, constants, outputs.
//
// Compile mode builds a computation once and executes it many times. The builder API
// has no computation parameter, so each thread has a current computation that
// odla_CreateArgument, odla_CreateConstant and the operator functions add to. A registry
// of live computations lets contexts notice that theirs was destroyed.
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "odla_ref.h"

namespace odla_ref {
namespace {

thread_local _odla_computation* t_current = nullptr;

// Live computations and their serials. Serials tell a destroyed computation from a new
// one that happens to reuse its address.
std::mutex g_live_mutex;
std::unordered_map<const _odla_computation*, uint64_t> g_live;
std::atomic<uint64_t> g_next_serial{1};

}  // namespace

_odla_computation*& current_computation() { return t_current; }

bool is_live(const _odla_computation* comp, uint64_t serial) {
  std::lock_guard lock(g_live_mutex);
  auto it = g_live.find(comp);
  return it != g_live.end() && it->second == serial;
}

bool is_live(const _odla_computation* comp) {
  std::lock_guard lock(g_live_mutex);
  return g_live.contains(comp);
}

bool standalone_ids_as_int() { return t_current != nullptr && t_current->ids_as_int; }

_odla_value* add_value(_odla_computation& comp, ValueKind kind, halo::sem::TensorType type,
                       odla_value_id id) {
  auto v = std::make_unique<_odla_value>();
  v->kind = kind;
  v->type = std::move(type);
  v->id = decode_id(id, comp.ids_as_int);
  v->owner = &comp;
  v->slot = comp.values.size();
  comp.values.push_back(std::move(v));
  return comp.values.back().get();
}

namespace {

// Shared by arguments and constants: validates the current computation, the type, the
// data of a constant and the uniqueness of an argument's id, then adds the value.
odla_value add_leaf(ValueKind kind, const odla_value_type& type, const void* data,
                    odla_value_id id) {
  std::string what = kind == ValueKind::Argument ? "argument" : "constant";
  _odla_computation* comp = t_current;
  if (comp == nullptr) return fail_value(what + ": no computation is current on this thread");
  ValueId vid = decode_id(id, comp->ids_as_int);
  halo::sem::TensorType t;
  if (std::string why = from_odla_type(type, t); !why.empty())
    return fail_value(what + " " + describe(vid) + ": " + why);
  if (kind == ValueKind::Constant && data == nullptr && t.num_bytes() > 0)
    return fail_value(what + " " + describe(vid) + ": data is NULL");
  if (kind == ValueKind::Argument)
    for (const _odla_value* a : comp->arguments)
      if (a->id == vid) return fail_value(what + " " + describe(vid) + " is declared twice");
  _odla_value* v = add_value(*comp, kind, std::move(t), id);
  if (kind == ValueKind::Argument)
    comp->arguments.push_back(v);
  else
    v->constant = data;  // not copied: the header promises it outlives the computation
  return v;
}

}  // namespace
}  // namespace odla_ref

using namespace odla_ref;

extern "C" {

ODLA_API_EXPORT odla_status odla_CreateComputation(odla_computation* computation) {
  return api_call(ODLA_FAILURE, [&] {
    if (computation == nullptr) return fail(ODLA_INVALID_PARAM, "computation pointer is NULL");
    auto comp = std::make_unique<_odla_computation>();
    comp->serial = g_next_serial.fetch_add(1);
    {
      std::lock_guard lock(g_live_mutex);
      g_live.emplace(comp.get(), comp->serial);
    }
    t_current = comp.release();
    *computation = t_current;
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_SetActiveComputation(odla_computation computation) {
  return api_call(ODLA_FAILURE, [&] {
    if (computation == nullptr) return fail(ODLA_INVALID_PARAM, "computation is NULL");
    {
      std::lock_guard lock(g_live_mutex);
      if (!g_live.contains(computation))
        return fail(ODLA_INVALID_PARAM, "computation was destroyed");
    }
    t_current = computation;
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_SetComputationItem(odla_computation computation,
                                                    odla_item_type type, const void* value) {
  return api_call(ODLA_FAILURE, [&] {
    if (computation == nullptr || value == nullptr)
      return fail(ODLA_INVALID_PARAM, "odla_SetComputationItem: NULL computation or value");
    if (!is_live(computation)) return fail(ODLA_INVALID_PARAM, "odla_SetComputationItem: computation was destroyed");
    switch (enum_number(type)) {
      case ODLA_VALUE_ID_AS_INT: {
        bool as_int = *static_cast<const odla_bool*>(value) != 0;
        // Ids already decoded would be of the other kind and never match again.
        if (as_int != computation->ids_as_int && !computation->values.empty())
          return fail(ODLA_INVALID_PARAM,
                      "ODLA_VALUE_ID_AS_INT must be set before the computation has values");
        computation->ids_as_int = as_int;
        return ODLA_SUCCESS;
      }
      case ODLA_NUM_THREADS:
        // Accepted for portability: the reference runtime runs each execution on the
        // calling thread.
        return ODLA_SUCCESS;
    }
    return fail(ODLA_INVALID_PARAM,
                "unknown computation item " + std::to_string(static_cast<int>(type)));
  });
}

ODLA_API_EXPORT odla_status odla_DestroyComputation(odla_computation computation) {
  return api_call(ODLA_FAILURE, [&] {
    if (computation == nullptr) return fail(ODLA_INVALID_PARAM, "computation is NULL");
    {
      std::lock_guard lock(g_live_mutex);
      if (g_live.erase(computation) == 0)
        return fail(ODLA_INVALID_PARAM, "computation was already destroyed");
    }
    if (t_current == computation) t_current = nullptr;
    delete computation;
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_value odla_CreateArgument(odla_value_type type, odla_value_id id) {
  return api_call<odla_value>(nullptr,
                              [&] { return add_leaf(ValueKind::Argument, type, nullptr, id); });
}

ODLA_API_EXPORT odla_value odla_CreateConstant(odla_value_type type, const void* data,
                                               odla_value_id id) {
  return api_call<odla_value>(nullptr,
                              [&] { return add_leaf(ValueKind::Constant, type, data, id); });
}

ODLA_API_EXPORT odla_status odla_SetValueAsOutput(const odla_value value) {
  return api_call(ODLA_FAILURE, [&] {
    if (value == nullptr) return fail(ODLA_INVALID_PARAM, "odla_SetValueAsOutput: value is NULL");
    _odla_computation* comp = value->owner;
    if (comp == nullptr)
      return fail(ODLA_INVALID_PARAM,
                  "value " + describe(value->id) + " belongs to no computation");
    if (value->is_output) return ODLA_SUCCESS;
    for (const _odla_value* o : comp->outputs)
      if (o->id == value->id)
        return fail(ODLA_INVALID_PARAM, "two outputs are named " + describe(value->id));
    value->is_output = true;
    comp->outputs.push_back(value);
    return ODLA_SUCCESS;
  });
}

}  // extern "C"
