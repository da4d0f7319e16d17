// context.cc - contexts: binding buffers and executing a computation.
//
// A computation is shared and read-only during execution; everything that changes per
// inference (bound pointers, intermediate buffers) lives in a context, so threads that
// each use their own context can execute one computation concurrently. The binding
// functions have no computation parameter: a context serves the computation current on
// the thread when it is first bound, or, if none is current then, the first one it
// executes (bindings made before that are resolved at that point).
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <unordered_set>

#include "odla_ref.h"

namespace odla_ref {
namespace {

// Live contexts, so that destroying a context twice or using a destroyed one is an error
// status instead of a double free or a use after free (issue 6). Readers (bind, execute)
// share the lock; only create and destroy take it exclusively.
std::shared_mutex g_contexts_mutex;
std::unordered_set<const _odla_context*> g_contexts;

bool context_live(const _odla_context* ctx) {
  std::shared_lock lock(g_contexts_mutex);
  return g_contexts.contains(ctx);
}

// Makes `ctx` serve `comp`: forgets bindings of a destroyed computation, and sizes the
// per-slot tables (values may have been added since the last call).
odla_status attach(_odla_context& ctx, _odla_computation& comp) {
  if (ctx.comp != &comp || ctx.comp_serial != comp.serial) {
    if (ctx.comp != nullptr && is_live(ctx.comp, ctx.comp_serial))
      return fail(ODLA_INVALID_PARAM,
                  "the context serves another computation; create one context per computation");
    ctx.bound_args.clear();
    ctx.bound_outputs.clear();
    ctx.buffers.clear();
    ctx.comp = &comp;
    ctx.comp_serial = comp.serial;
  }
  size_t n = comp.values.size();
  ctx.bound_args.resize(n, nullptr);
  ctx.bound_outputs.resize(n, nullptr);
  ctx.buffers.resize(n);
  ctx.data.resize(n, nullptr);
  return ODLA_SUCCESS;
}

// Records one binding in an attached context.
odla_status bind_resolved(_odla_context& ctx, odla_value_id raw, void* data, bool output) {
  const _odla_computation& comp = *ctx.comp;
  ValueId id = decode_id(raw, comp.ids_as_int);
  for (const _odla_value* v : output ? comp.outputs : comp.arguments) {
    if (v->id != id) continue;
    if (output)
      ctx.bound_outputs[v->slot] = data;
    else
      ctx.bound_args[v->slot] = data;
    return ODLA_SUCCESS;
  }
  return fail(ODLA_INVALID_PARAM, std::string("the computation has no ") +
                                      (output ? "output " : "argument ") + describe(id));
}

// Shared body of the two binding functions.
odla_status bind(odla_value_id id, void* data, odla_context ctx, bool output) {
  if (ctx == nullptr || data == nullptr)
    return fail(ODLA_INVALID_PARAM, "binding: NULL context or data pointer");
  if (!context_live(ctx)) return fail(ODLA_INVALID_PARAM, "binding: the context was destroyed");
  _odla_computation* comp = ctx->comp;
  if (comp == nullptr || !is_live(comp, ctx->comp_serial)) comp = current_computation();
  if (comp == nullptr) {
    // Nothing to resolve against yet; the id must stay valid until the first execution.
    ctx->pending.push_back({id, data, output});
    return ODLA_SUCCESS;
  }
  if (odla_status s = attach(*ctx, *comp); s != ODLA_SUCCESS) return s;
  return bind_resolved(*ctx, id, data, output);
}

// Points ctx.data at where every value lives in this run, or says what is missing.
odla_status place_values(_odla_context& ctx, const _odla_computation& comp) {
  for (const auto& owned : comp.values) {
    const _odla_value& v = *owned;
    if (v.is_output && ctx.bound_outputs[v.slot] == nullptr)
      return fail(ODLA_INVALID_PARAM, "output " + describe(v.id) + " is not bound");
    switch (v.kind) {
      case ValueKind::Argument:
        if (ctx.bound_args[v.slot] == nullptr)
          return fail(ODLA_INVALID_PARAM, "argument " + describe(v.id) + " is not bound");
        ctx.data[v.slot] = const_cast<void*>(ctx.bound_args[v.slot]);
        break;
      case ValueKind::Constant:
        ctx.data[v.slot] = const_cast<void*>(v.constant);
        break;
      case ValueKind::Node:
        // Results that are outputs go straight into the caller's buffer.
        if (v.is_output) {
          ctx.data[v.slot] = ctx.bound_outputs[v.slot];
        } else {
          auto& buf = ctx.buffers[v.slot];
          buf.resize(static_cast<size_t>(v.type.num_bytes()));  // no-op from the second run
          ctx.data[v.slot] = buf.data();
        }
        break;
      case ValueKind::Standalone:
        return fail(ODLA_FAILURE, "internal: standalone value inside a computation");
    }
  }
  return ODLA_SUCCESS;
}

odla_status run_nodes(_odla_context& ctx, const _odla_computation& comp) {
  for (const Node& node : comp.nodes) {
    ctx.scratch.clear();
    for (const _odla_value* o : node.operands)
      ctx.scratch.push_back(view_of(o, o ? ctx.data[o->slot] : nullptr));
    ctx.result_views.clear();
    for (const _odla_value* r : node.results) ctx.result_views.push_back(view_of(r, ctx.data[r->slot]));
    std::string why = halo::sem::run_kernel(node.kind, ctx.scratch, node.attrs, ctx.result_views);
    if (!why.empty())
      return fail(ODLA_FAILURE, std::string(halo::sem::op_schema(node.kind).name) + " " +
                                    describe(node.results[0]->id) + ": " + why);
  }
  // Outputs that are arguments or constants were not written by any node.
  for (const _odla_value* o : comp.outputs) {
    void* dst = ctx.bound_outputs[o->slot];
    auto bytes = static_cast<size_t>(o->type.num_bytes());
    if (o->kind != ValueKind::Node && bytes > 0 && dst != ctx.data[o->slot])
      std::memmove(dst, ctx.data[o->slot], bytes);
  }
  return ODLA_SUCCESS;
}

}  // namespace
}  // namespace odla_ref

using namespace odla_ref;

extern "C" {

ODLA_API_EXPORT odla_status odla_CreateContext(odla_context* context) {
  return api_call(ODLA_FAILURE, [&] {
    if (context == nullptr) return fail(ODLA_INVALID_PARAM, "context pointer is NULL");
    auto ctx = std::make_unique<_odla_context>();
    {
      std::unique_lock lock(g_contexts_mutex);
      g_contexts.insert(ctx.get());
    }
    *context = ctx.release();
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_DestroyContext(odla_context context) {
  return api_call(ODLA_FAILURE, [&] {
    if (context == nullptr) return fail(ODLA_INVALID_PARAM, "context is NULL");
    {
      std::unique_lock lock(g_contexts_mutex);
      if (g_contexts.erase(context) == 0) return fail(ODLA_INVALID_PARAM, "context was already destroyed");
    }
    delete context;
    return ODLA_SUCCESS;
  });
}

ODLA_API_EXPORT odla_status odla_BindToArgumentById(odla_value_id id, const void* data_ptr,
                                                    odla_context context) {
  return api_call(ODLA_FAILURE,
                  [&] { return bind(id, const_cast<void*>(data_ptr), context, false); });
}

ODLA_API_EXPORT odla_status odla_BindToOutputById(odla_value_id id, void* data_ptr,
                                                  odla_context context) {
  return api_call(ODLA_FAILURE, [&] { return bind(id, data_ptr, context, true); });
}

ODLA_API_EXPORT odla_status odla_ExecuteComputation(odla_computation computation,
                                                    odla_context context,
                                                    odla_compute_mode mode, odla_device device) {
  return api_call(ODLA_FAILURE, [&] {
    if (computation == nullptr || context == nullptr)
      return fail(ODLA_INVALID_PARAM, "odla_ExecuteComputation: NULL computation or context");
    if (!is_live(computation)) return fail(ODLA_INVALID_PARAM, "odla_ExecuteComputation: the computation was destroyed");
    if (!context_live(context)) return fail(ODLA_INVALID_PARAM, "odla_ExecuteComputation: the context was destroyed");
    if (enum_number(mode) != ODLA_COMPUTE_INFERENCE)
      return fail(ODLA_INVALID_PARAM, "the reference runtime only runs inference");
    _odla_context& ctx = *context;
    if (odla_status s = attach(ctx, *computation); s != ODLA_SUCCESS) return s;
    // Bindings made while no computation was known: resolve them now, once.
    auto pending = std::move(ctx.pending);
    ctx.pending.clear();
    for (const PendingBinding& b : pending)
      if (odla_status s = bind_resolved(ctx, b.id, b.data, b.output); s != ODLA_SUCCESS)
        return s;
    if (odla_status s = place_values(ctx, *computation); s != ODLA_SUCCESS) return s;
    return run_nodes(ctx, *computation);
  });
}

}  // extern "C"
