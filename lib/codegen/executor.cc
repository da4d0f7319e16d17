// executor.cc - performs a CallProgram on a dlopen'ed ODLA runtime.
//
// Each op call goes through a thunk generated from the operator table (odla_invoke.inc)
// that casts the runtime's function pointer to the op's exact C signature, so the
// executor makes the same calls, with the same argument values, as the emitted code.
#include "halo/codegen/executor.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include "ODLA/odla.h"

namespace halo::codegen {

namespace {

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = 0;
  return std::filesystem::path(buf).parent_path().string();
}

/// Reads the arguments of one call in the types the ODLA signature wants.
class ArgReader {
 public:
  ArgReader(const CallProgram& p, const Call& c, const std::vector<odla_value>& values)
      : p_(p), c_(c), values_(values) {}
  odla_value value(int k) const {
    const CallArg& a = c_.args[k];
    return a.kind == ArgKind::Value ? values_[a.slot] : nullptr;
  }
  odla_values values(int k) const {
    odla_values v{};
    const CallArg& a = c_.args[k];
    v.size = static_cast<odla_int32>(a.slots.size());
    for (size_t i = 0; i < a.slots.size() && i < ODLA_MAX_OUTPUTS; ++i) v.values[i] = values_[a.slots[i]];
    return v;
  }
  odla_int64 int64(int k) const { return c_.args[k].i; }
  odla_float32 float32(int k) const { return c_.args[k].f; }
  odla_bool boolean(int k) const { return static_cast<odla_bool>(c_.args[k].i); }
  odla_value_shape shape(int k) const { return to_shape(c_.args[k].ints); }
  const char* string(int k) const { return c_.args[k].s.c_str(); }
  odla_value_id id(int k) const { return reinterpret_cast<odla_value_id>(p_.slots[c_.args[k].slot].id.c_str()); }
  odla_value_ids ids(int k) const {
    odla_value_ids v{};
    const CallArg& a = c_.args[k];
    v.size = static_cast<odla_int32>(a.slots.size());
    for (size_t i = 0; i < a.slots.size() && i < ODLA_MAX_OUTPUTS; ++i)
      v.ids[i] = reinterpret_cast<odla_value_id>(p_.slots[a.slots[i]].id.c_str());
    return v;
  }

  static odla_value_shape to_shape(const std::vector<int64_t>& dims) {
    odla_value_shape s{};
    s.size = static_cast<odla_int32>(dims.size());
    for (size_t i = 0; i < dims.size() && i < ODLA_MAX_DIMENSION; ++i) s.dims[i] = dims[i];
    return s;
  }

 private:
  const CallProgram& p_;
  const Call& c_;
  const std::vector<odla_value>& values_;
};

[[maybe_unused]] void unpack_results(const odla_values& r, std::vector<odla_value>& results) {
  results.assign(r.values, r.values + std::clamp<odla_int32>(r.size, 0, ODLA_MAX_OUTPUTS));
}

/// Calls one op through its exact C signature; `results` receives its result values
/// (empty or null entries when the runtime failed).
void invoke_op(sem::OpKind kind, void* fn, const ArgReader& args, std::vector<odla_value>& results) {
  using sem::OpKind;
#include "odla_invoke.inc"
  results.clear();
}

odla_value_type value_type(const ir::TensorType& t) {
  return {static_cast<odla_element_type>(t.dtype), ArgReader::to_shape(t.dims)};
}

/// The ODLA lifecycle entry points, looked up once.
struct Api {
  decltype(&odla_CreateComputation) create_computation;
  decltype(&odla_DestroyComputation) destroy_computation;
  decltype(&odla_CreateContext) create_context;
  decltype(&odla_DestroyContext) destroy_context;
  decltype(&odla_CreateArgument) create_argument;
  decltype(&odla_CreateConstant) create_constant;
  decltype(&odla_SetValueAsOutput) set_output;
  decltype(&odla_BindToArgumentById) bind_argument;
  decltype(&odla_BindToOutputById) bind_output;
  decltype(&odla_ExecuteComputation) execute;
  decltype(&odla_GetLastError) last_error;
};

template <typename T>
bool look_up(const RuntimeLibrary& rt, const char* name, T& fn, std::string& missing) {
  fn = reinterpret_cast<T>(rt.symbol(name));
  if (!fn) missing += (missing.empty() ? "" : ", ") + std::string(name);
  return fn != nullptr;
}

}  // namespace

Expected<std::unique_ptr<RuntimeLibrary>> RuntimeLibrary::open(const std::string& name_or_path) {
  std::vector<std::string> candidates;
  if (name_or_path.find('/') != std::string::npos) {
    candidates.push_back(name_or_path);
  } else {
    std::string file = "libodla_" + name_or_path + ".so";
    if (const char* dir = std::getenv("HALO_RUNTIME_DIR")) candidates.push_back(std::string(dir) + "/" + file);
    std::string self = self_dir();
    if (!self.empty()) candidates.push_back(self + "/../lib/ODLA/" + file);
    candidates.push_back(file);
  }
  std::string errors;
  for (const auto& c : candidates) {
    if (c.find('/') != std::string::npos && !std::filesystem::exists(c)) continue;
    if (void* h = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL))
      return std::unique_ptr<RuntimeLibrary>(new RuntimeLibrary(h, c));
    errors += std::string("; ") + ::dlerror();
  }
  return make_error(ErrorKind::Missing, "cannot load the ODLA runtime '" + name_or_path + "'" + errors);
}

RuntimeLibrary::~RuntimeLibrary() {
  if (handle_) ::dlclose(handle_);
}

void* RuntimeLibrary::symbol(const char* name) const { return ::dlsym(handle_, name); }

Status execute(const CallProgram& p, const RuntimeLibrary& rt, const std::vector<const void*>& inputs,
               const std::vector<void*>& outputs) {
  if (inputs.size() != p.inputs.size() || outputs.size() != p.outputs.size())
    return make_error(ErrorKind::Usage, "the model takes " + std::to_string(p.inputs.size()) + " inputs and " +
                                            std::to_string(p.outputs.size()) + " outputs");
  Api api{};
  std::string missing;
  look_up(rt, "odla_CreateComputation", api.create_computation, missing);
  look_up(rt, "odla_DestroyComputation", api.destroy_computation, missing);
  look_up(rt, "odla_CreateContext", api.create_context, missing);
  look_up(rt, "odla_DestroyContext", api.destroy_context, missing);
  look_up(rt, "odla_CreateArgument", api.create_argument, missing);
  look_up(rt, "odla_CreateConstant", api.create_constant, missing);
  look_up(rt, "odla_SetValueAsOutput", api.set_output, missing);
  look_up(rt, "odla_BindToArgumentById", api.bind_argument, missing);
  look_up(rt, "odla_BindToOutputById", api.bind_output, missing);
  look_up(rt, "odla_ExecuteComputation", api.execute, missing);
  look_up(rt, "odla_GetLastError", api.last_error, missing);
  std::vector<void*> op_fns;
  for (const auto& c : p.calls) {
    void* fn = nullptr;
    if (c.kind == Call::Kind::Op) {
      const char* name = sem::op_schema(c.op).odla_function.data();
      fn = rt.symbol(name);
      if (!fn && missing.find(name) == std::string::npos) missing += (missing.empty() ? "" : ", ") + std::string(name);
    }
    op_fns.push_back(fn);
  }
  if (!missing.empty())
    return make_error(ErrorKind::Unsupported, rt.path() + " does not implement: " + missing);

  auto fail = [&](const std::string& what) {
    return make_error(ErrorKind::Failure, what + ": " + std::string(api.last_error ? api.last_error() : ""));
  };
  odla_computation comp = nullptr;
  odla_context ctx = nullptr;
  if (api.create_computation(&comp) != ODLA_SUCCESS) return fail("odla_CreateComputation failed");
  struct Cleanup {
    Api& api;
    odla_computation& comp;
    odla_context& ctx;
    ~Cleanup() {
      if (ctx) api.destroy_context(ctx);
      if (comp) api.destroy_computation(comp);
    }
  } cleanup{api, comp, ctx};

  std::vector<odla_value> values(p.slots.size(), nullptr);
  std::vector<odla_value> results;
  for (size_t ci = 0; ci < p.calls.size(); ++ci) {
    const Call& c = p.calls[ci];
    const Slot& s = p.slots[c.slot];
    auto id = reinterpret_cast<odla_value_id>(s.id.c_str());
    switch (c.kind) {
      case Call::Kind::CreateArgument: values[c.slot] = api.create_argument(value_type(s.type), id); break;
      case Call::Kind::CreateConstant:
        values[c.slot] = api.create_constant(value_type(s.type), p.constants[c.constant].data, id);
        break;
      case Call::Kind::Op: {
        invoke_op(c.op, op_fns[ci], ArgReader(p, c, values), results);
        if (results.size() != c.results.size())
          return fail("building '" + s.id + "' gave " + std::to_string(results.size()) + " results, expected " +
                      std::to_string(c.results.size()));
        for (size_t r = 0; r < results.size(); ++r) {
          values[c.results[r]] = results[r];
          if (!results[r]) return fail("building '" + p.slots[c.results[r]].id + "' failed");
        }
        break;
      }
      case Call::Kind::SetOutput:
        if (api.set_output(values[c.slot]) != ODLA_SUCCESS) return fail("odla_SetValueAsOutput('" + s.id + "')");
        continue;
    }
    if (!values[c.slot]) return fail("building '" + s.id + "' failed");
  }
  if (api.create_context(&ctx) != ODLA_SUCCESS) return fail("odla_CreateContext failed");
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    auto id = reinterpret_cast<odla_value_id>(p.slots[p.inputs[i]].id.c_str());
    if (api.bind_argument(id, inputs[i], ctx) != ODLA_SUCCESS) return fail("binding input '" + p.slots[p.inputs[i]].id + "'");
  }
  for (size_t i = 0; i < p.outputs.size(); ++i) {
    auto id = reinterpret_cast<odla_value_id>(p.slots[p.outputs[i]].id.c_str());
    if (api.bind_output(id, outputs[i], ctx) != ODLA_SUCCESS) return fail("binding output '" + p.slots[p.outputs[i]].id + "'");
  }
  if (api.execute(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr) != ODLA_SUCCESS) return fail("execution failed");
  return {};
}

}  // namespace halo::codegen
