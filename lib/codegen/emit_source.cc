// emit_source.cc - the generated model source: builds the ODLA computation once
// (compile mode, as in the seed) and runs it per call of the entry function.
//
// Output is deterministic: it depends only on the CallProgram and the options. The C++
// form compiles as C++11, the C form as C99, both with -Wall -Werror.
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "halo/codegen/elf_object.h"
#include "halo/codegen/emitter.h"

namespace halo::codegen {

const char* c_element_type(ir::DType t) {
  switch (t) {
    case ir::DType::f32: return "float";
    case ir::DType::f64: return "double";
    case ir::DType::f16:
    case ir::DType::bf16:
    case ir::DType::u16: return "uint16_t";
    case ir::DType::i8:
    case ir::DType::i4: return "int8_t";  // one byte per element, sign-extended
    case ir::DType::i16: return "int16_t";
    case ir::DType::i32: return "int32_t";
    case ir::DType::i64: return "int64_t";
    case ir::DType::u8:
    case ir::DType::boolean:
    // float8 bit patterns; uint4 and float4 in the low nibble of one byte (dtype.h)
    case ir::DType::f8e4m3fn:
    case ir::DType::f8e4m3fnuz:
    case ir::DType::f8e5m2:
    case ir::DType::f8e5m2fnuz:
    case ir::DType::f8e8m0:
    case ir::DType::u4:
    case ir::DType::f4e2m1: return "uint8_t";
    case ir::DType::u32: return "uint32_t";
    case ir::DType::u64: return "uint64_t";
    default: return "void";
  }
}

namespace {

const char* odla_element_name(ir::DType t) {
  static const char* kNames[] = {"ODLA_UNDEFINED", "ODLA_FLOAT32", "ODLA_FLOAT16", "ODLA_BFLOAT16", "ODLA_FLOAT64",
                                 "ODLA_INT8",      "ODLA_INT16",   "ODLA_INT32",   "ODLA_INT64",    "ODLA_UINT8",
                                 "ODLA_UINT16",    "ODLA_UINT32",  "ODLA_UINT64",  "ODLA_BOOL",
                                 "ODLA_FLOAT8_E4M3FN", "ODLA_FLOAT8_E4M3FNUZ", "ODLA_FLOAT8_E5M2",
                                 "ODLA_FLOAT8_E5M2FNUZ", "ODLA_FLOAT8_E8M0", "ODLA_INT4", "ODLA_UINT4",
                                 "ODLA_FLOAT4_E2M1"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(ir::DType::f4e2m1) + 1,
                "one ODLA name per element type");
  return kNames[static_cast<int>(t)];
}

std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 32 || c >= 127) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string dims_list(const std::vector<int64_t>& dims) {
  std::string s = "{";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "}";
}

/// The element count as the seed writes it in array parameters: "1 * 784".
std::string dims_product(const std::vector<int64_t>& dims) {
  if (dims.empty()) return "1";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? " * " : "") + std::to_string(dims[i]);
  return s;
}

class SourceWriter {
 public:
  SourceWriter(const CallProgram& p, const EmitOptions& o) : p_(p), o_(o) {}

  std::string shape(const std::vector<int64_t>& dims) const {
    std::string body = "{" + std::to_string(dims.size()) + ", " + dims_list(dims) + "}";
    return (o_.c99 ? "(odla_value_shape)" : "odla_value_shape") + body;
  }
  std::string value_type(const ir::TensorType& t) const {
    std::string body = std::string("{") + odla_element_name(t.dtype) + ", {" + std::to_string(t.dims.size()) + ", " +
                       dims_list(t.dims) + "}}";
    return (o_.c99 ? "(odla_value_type)" : "odla_value_type") + body;
  }
  // String ids by default; with --emit-value-id-as-int the value's slot number plus one
  // (0 would be NULL), and the computation is told so in _init.
  std::string id(int slot) const {
    if (o_.value_id_as_int) return "(const odla_value_id)(uintptr_t)" + std::to_string(slot + 1);
    return "(const odla_value_id)" + c_string(p_.slots[slot].id);
  }
  std::string null() const { return o_.c99 ? "NULL" : "nullptr"; }
  /// A preprocessor name private to this model, e.g. HALO_MNIST_SIMPLE_POOL.
  std::string macro(const std::string& what) const {
    std::string m = "HALO_" + p_.entry + "_" + what;
    for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return m;
  }

  std::string float_literal(float f) {
    if (std::isnan(f)) return uses_math_ = true, "NAN";
    if (std::isinf(f)) return uses_math_ = true, f > 0 ? "HUGE_VALF" : "-HUGE_VALF";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s + "f";
  }

  std::string arg(const CallArg& a, std::string& prelude, int call_index) {
    switch (a.kind) {
      case ArgKind::Value: return p_.slots[a.slot].c_name;
      case ArgKind::Null: return null();
      case ArgKind::Int: return std::to_string(a.i) + (a.i > INT32_MAX || a.i < INT32_MIN ? "LL" : "");
      case ArgKind::Bool: return std::to_string(a.i);
      case ArgKind::Float: return float_literal(a.f);
      case ArgKind::Shape: return shape(a.ints);
      case ArgKind::String: return c_string(a.s);
      case ArgKind::Id: return id(a.slot);
      case ArgKind::IdList: {
        std::string var = "ids_" + std::to_string(call_index);
        prelude += "  odla_value_ids " + var + ";\n  " + var + ".size = " + std::to_string(a.slots.size()) + ";\n";
        for (size_t k = 0; k < a.slots.size(); ++k)
          prelude += "  " + var + ".ids[" + std::to_string(k) + "] = " + id(a.slots[k]) + ";\n";
        return var;
      }
      case ArgKind::ValueList: {
        std::string var = "operands_" + std::to_string(call_index);
        prelude += "  odla_values " + var + ";\n  " + var + ".size = " + std::to_string(a.slots.size()) + ";\n";
        for (size_t k = 0; k < a.slots.size(); ++k)
          prelude += "  " + var + ".values[" + std::to_string(k) + "] = " + p_.slots[a.slots[k]].c_name + ";\n";
        return var;
      }
    }
    return {};
  }

  std::string build_body() {
    // Values no later call reads (an input the graph ignores, say) are not kept in a
    // variable: an unused one would fail -Wall -Werror builds of the generated code.
    std::vector<bool> read(p_.slots.size(), false);
    for (const Call& c : p_.calls) {
      if (c.kind == Call::Kind::SetOutput) read[c.slot] = true;
      for (const CallArg& a : c.args) {
        if (a.kind == ArgKind::Value) read[a.slot] = true;
        // An IdList names a call's own results (their ids), which is no read of them.
        if (a.kind == ArgKind::ValueList)
          for (int sl : a.slots) read[sl] = true;
      }
    }
    auto define = [&](int slot, const std::string& call) {
      if (read[slot]) return "  odla_value " + p_.slots[slot].c_name + " = " + call + ";\n";
      return "  if (!" + call + ") return 0;\n";
    };
    std::string b;
    for (size_t ci = 0; ci < p_.calls.size(); ++ci) {
      const Call& c = p_.calls[ci];
      const Slot& s = p_.slots[c.slot];
      switch (c.kind) {
        case Call::Kind::CreateArgument:
          b += define(c.slot, "odla_CreateArgument(" + value_type(s.type) + ", " + id(c.slot) + ")");
          break;
        case Call::Kind::CreateConstant:
          b += define(c.slot, "odla_CreateConstant(" + value_type(s.type) + ", " + p_.constants[c.constant].symbol +
                                  ", " + id(c.slot) + ")");
          break;
        case Call::Kind::Op: {
          std::string prelude, args;
          for (size_t k = 0; k < c.args.size(); ++k) args += (k ? ", " : "") + arg(c.args[k], prelude, static_cast<int>(ci));
          b += prelude;
          std::string call = std::string(sem::op_schema(c.op).odla_function) + "(" + args + ")";
          if (!sem::op_schema(c.op).multi_result()) {
            b += "  odla_value " + s.c_name + " = " + call + ";\n";
            b += "  if (!" + s.c_name + ") return 0;\n";
            break;
          }
          // Several results come back as odla_values; size 0 means failure.
          std::string var = "results_" + std::to_string(ci);
          b += "  odla_values " + var + " = " + call + ";\n";
          b += "  if (" + var + ".size != " + std::to_string(c.results.size()) + ") return 0;\n";
          for (size_t r = 0; r < c.results.size(); ++r)
            if (read[c.results[r]])
              b += "  odla_value " + p_.slots[c.results[r]].c_name + " = " + var + ".values[" + std::to_string(r) + "];\n";
          break;
        }
        case Call::Kind::SetOutput:
          b += "  if (odla_SetValueAsOutput(" + s.c_name + ") != ODLA_SUCCESS) return 0;\n";
          break;
      }
    }
    return b;
  }

  std::string source() {
    const std::string& e = p_.entry;
    std::string body = build_body();
    std::string s = "// Generated by HALO from " + o_.model_source + ". Do not edit.\n";
    s += "// Builds the ODLA computation once (compile mode) and runs it on each call of " + e + "().\n";
    s += "// Thread-safe: see " + o_.header_name + ".\n";
    s += "#include <ODLA/odla.h>\n";
    if (o_.c99) s += "#include <stddef.h>\n";
    s += "#include <pthread.h>\n#include <stdint.h>\n#include <stdio.h>\n";
    if (uses_math_) s += "#include <math.h>\n";
    s += "\n#include \"" + o_.header_name + "\"\n\n";
    s += "// Weights, defined in the data file (model.bin or the C data source).\n";
    if (!o_.c99) s += "extern \"C\" {\n";
    for (const auto& c : p_.constants) {
      const Slot& sl = p_.slots[c.slot];
      s += "extern const " + std::string(c_element_type(sl.type.dtype)) + " " + c.symbol + "[" +
           std::to_string(std::max<int64_t>(sl.type.num_elements(), 1)) + "];\n";
    }
    if (!o_.c99) s += "}\n";
    s += "\n// The computation is built once, under a lock. Each call of " + e + "() takes a context\n";
    s += "// (per-inference state) from a small pool, or creates one, and puts it back: calls from\n";
    s += "// several threads run concurrently, each with its own context.\n";
    s += "#define " + macro("POOL") + " 64\n";
    s += "static odla_computation " + e + "_comp;\n";
    s += "static odla_context " + e + "_pool[" + macro("POOL") + "];\n";
    s += "static int " + e + "_pool_size;\n";
    s += "static pthread_mutex_t " + e + "_lock = PTHREAD_MUTEX_INITIALIZER;\n\n";
    s += "// Adds every value and operator of the model to the current computation.\n";
    s += "static int " + e + "_build(void) {\n" + body + "  return 1;\n}\n\n";
    std::string ext = o_.c99 ? "" : "extern \"C\" ";
    s += ext + "void " + e + "_init(void) {\n";
    s += "  pthread_mutex_lock(&" + e + "_lock);\n";
    s += "  if (!" + e + "_comp) {\n";
    std::string ok = "odla_CreateComputation(&" + e + "_comp) == ODLA_SUCCESS";
    if (o_.value_id_as_int) {
      s += "    odla_bool ids_as_int = 1;\n";
      ok += " &&\n        odla_SetComputationItem(" + e + "_comp, ODLA_VALUE_ID_AS_INT, &ids_as_int) == ODLA_SUCCESS";
    }
    s += "    if (!(" + ok + " &&\n          " + e + "_build())) {\n";
    s += "      fprintf(stderr, \"" + e + "_init: %s\\n\", odla_GetLastError());\n";
    s += "      if (" + e + "_comp) odla_DestroyComputation(" + e + "_comp);\n";
    s += "      " + e + "_comp = " + null() + ";\n    }\n  }\n";
    s += "  pthread_mutex_unlock(&" + e + "_lock);\n}\n\n";
    s += ext + "void " + e + "_fini(void) {\n";
    s += "  pthread_mutex_lock(&" + e + "_lock);\n";
    s += "  while (" + e + "_pool_size > 0) odla_DestroyContext(" + e + "_pool[--" + e + "_pool_size]);\n";
    s += "  if (" + e + "_comp) odla_DestroyComputation(" + e + "_comp);\n";
    s += "  " + e + "_comp = " + null() + ";\n";
    s += "  pthread_mutex_unlock(&" + e + "_lock);\n}\n\n";
    s += ext + "odla_context " + e + "_create_context(void) {\n";
    s += "  odla_context ctx = " + null() + ";\n";
    s += "  " + e + "_init();\n";
    s += "  if (odla_CreateContext(&ctx) != ODLA_SUCCESS) {\n";
    s += "    fprintf(stderr, \"" + e + "_create_context: %s\\n\", odla_GetLastError());\n";
    s += "    return " + null() + ";\n  }\n  return ctx;\n}\n\n";
    s += ext + "void " + e + "_destroy_context(odla_context ctx) {\n  if (ctx) odla_DestroyContext(ctx);\n}\n\n";
    s += ext + "int " + e + "_run(odla_context ctx" + (p_.inputs.size() + p_.outputs.size() ? ", " : "") + params() + ") {\n";
    s += "  if (!ctx || !" + e + "_comp) return -1;\n";
    s += "  // The context belongs to this model's computation, whatever another model made current.\n";
    s += "  odla_SetActiveComputation(" + e + "_comp);\n";
    for (size_t i = 0; i < p_.inputs.size(); ++i)
      s += "  if (odla_BindToArgumentById(" + id(p_.inputs[i]) + ", " + p_.input_params[i] + ", ctx) != ODLA_SUCCESS) goto fail;\n";
    for (size_t i = 0; i < p_.outputs.size(); ++i)
      s += "  if (odla_BindToOutputById(" + id(p_.outputs[i]) + ", " + p_.output_params[i] + ", ctx) != ODLA_SUCCESS) goto fail;\n";
    s += "  if (odla_ExecuteComputation(" + e + "_comp, ctx, ODLA_COMPUTE_INFERENCE, " + null() + ") != ODLA_SUCCESS) goto fail;\n";
    s += "  return 0;\nfail:\n";
    s += "  fprintf(stderr, \"" + e + ": %s\\n\", odla_GetLastError());\n  return -1;\n}\n\n";
    s += ext + "void " + e + "(" + params() + ") {\n";
    s += "  odla_context ctx = " + null() + ";\n";
    s += "  " + e + "_init();\n";
    s += "  pthread_mutex_lock(&" + e + "_lock);\n";
    s += "  if (" + e + "_pool_size > 0) ctx = " + e + "_pool[--" + e + "_pool_size];\n";
    s += "  pthread_mutex_unlock(&" + e + "_lock);\n";
    s += "  if (!ctx) ctx = " + e + "_create_context();\n";
    s += "  if (!ctx) return;\n";
    std::string args;
    for (const auto& n : p_.input_params) args += ", " + n;
    for (const auto& n : p_.output_params) args += ", " + n;
    s += "  " + e + "_run(ctx" + args + ");\n";
    s += "  pthread_mutex_lock(&" + e + "_lock);\n";
    s += "  if (" + e + "_comp && " + e + "_pool_size < " + macro("POOL") + ") {\n";
    s += "    " + e + "_pool[" + e + "_pool_size++] = ctx;\n    ctx = " + null() + ";\n  }\n";
    s += "  pthread_mutex_unlock(&" + e + "_lock);\n";
    s += "  if (ctx) odla_DestroyContext(ctx);\n}\n";
    return s;
  }

  std::string params() const {
    std::string s;
    for (size_t i = 0; i < p_.inputs.size(); ++i) {
      const Slot& sl = p_.slots[p_.inputs[i]];
      s += (s.empty() ? "" : ", ") + std::string("const ") + c_element_type(sl.type.dtype) + " " + p_.input_params[i] +
           "[" + dims_product(sl.type.dims) + "]";
    }
    for (size_t i = 0; i < p_.outputs.size(); ++i) {
      const Slot& sl = p_.slots[p_.outputs[i]];
      s += (s.empty() ? "" : ", ") + std::string(c_element_type(sl.type.dtype)) + " " + p_.output_params[i] + "[" +
           dims_product(sl.type.dims) + "]";
    }
    return s;
  }

  std::string header() const {
    const std::string& e = p_.entry;
    std::string guard = "HALO_" + to_c_identifier(e) + "_H_";
    for (char& c : guard) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string s = "// Generated by HALO from " + o_.model_source + ". Do not edit.\n";
    s += "#ifndef " + guard + "\n#define " + guard + "\n\n#include <stdint.h>\n\n";
    s += "/* struct _odla_context* is ODLA's odla_context (ODLA/odla_types.h); spelled out so\n";
    s += " * that this header needs no ODLA header. */\n";
    s += "struct _odla_context;\n\n";
    s += "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
    s += "/* Runs one inference: reads the inputs, writes the outputs (arrays in row-major order).\n";
    s += " * Calls " + e + "_init() on first use. Safe to call from several threads at once: each\n";
    s += " * call uses its own context (taken from a pool that " + e + "_fini() empties). */\n";
    s += "void " + e + "(" + params() + ");\n\n";
    s += "/* Builds the computation once (thread-safe); later calls do nothing until " + e + "_fini(). */\n";
    s += "void " + e + "_init(void);\n\n";
    s += "/* Frees the computation and pooled contexts; " + e + "_init() may be called again\n";
    s += " * afterwards. Must not run concurrently with inferences. */\n";
    s += "void " + e + "_fini(void);\n\n";
    s += "/* Re-entrant variant for servers: a context holds one inference's state. Create one\n";
    s += " * per worker thread, pass it to " + e + "_run() (never to two calls at once), destroy\n";
    s += " * it before " + e + "_fini(). " + e + "_run returns 0 on success, -1 on error. */\n";
    s += "struct _odla_context* " + e + "_create_context(void);\n";
    s += "void " + e + "_destroy_context(struct _odla_context* ctx);\n";
    s += "int " + e + "_run(struct _odla_context* ctx" + (p_.inputs.size() + p_.outputs.size() ? ", " : "") + params() + ");\n\n";
    s += "#ifdef __cplusplus\n}\n#endif\n\n#endif  // " + guard + "\n";
    return s;
  }

 private:
  const CallProgram& p_;
  const EmitOptions& o_;
  bool uses_math_ = false;
};

}  // namespace

EmittedFiles emit(const CallProgram& p, const EmitOptions& opts) {
  EmittedFiles out;
  SourceWriter w(p, opts);
  out.source = w.source();
  out.header = w.header();
  if (opts.data_as_c)
    out.data_source = emit_data_source(p, opts);
  else
    out.data_object = emit_data_object(p);
  return out;
}

}  // namespace halo::codegen
