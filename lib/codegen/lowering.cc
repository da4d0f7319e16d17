// lowering.cc - IR function -> CallProgram, driven by each op's ODLA parameter list in
// the operator table (no per-op code here).
#include "halo/codegen/lowering.h"

#include "ODLA/odla_types.h"

#include <cctype>
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace halo::codegen {

std::string to_c_identifier(const std::string& s) {
  // C and C++ keywords a model may well use as a tensor name.
  static const std::unordered_set<std::string> kReserved = {
      "auto", "bool", "break", "case", "char", "class", "const", "continue", "default", "delete", "do",
      "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "new",
      "operator", "private", "public", "register", "restrict", "return", "short", "signed", "sizeof",
      "static", "struct", "switch", "template", "this", "typedef", "union", "unsigned", "void",
      "volatile", "while", "and", "or", "not", "xor", "namespace", "using", "true", "false", "NULL"};
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  // Names starting with a digit, or with "_" (C reserves "__x" and "_X" for the
  // implementation), get a prefix; keywords and the ODLA namespace get a suffix.
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "v_" + out;
  if (out[0] == '_') out = "v" + out;
  if (kReserved.count(out) || out.rfind("odla_", 0) == 0) out += "_";
  return out;
}

namespace {

class Lowering {
 public:
  explicit Lowering(std::string entry) { p_.entry = std::move(entry); }

  Expected<CallProgram> run(const ir::Function& f) {
    for (const auto& a : f.arguments()) {
      if (!a->type().is_static())
        return make_error(ErrorKind::Unsupported, "input '" + a->name() + "' has unknown dimensions " +
                                                      sem::to_string(a->type()) + "; give them with --input-shape or --batch-size");
      HALO_TRY(check_type(a.get()));
      int s = add_slot(a.get());
      p_.inputs.push_back(s);
      p_.calls.push_back({Call::Kind::CreateArgument, ir::OpKind::Identity, {}, s, -1, {}});
    }
    for (const auto& c : f.constants()) {
      HALO_TRY(check_type(c.get()));
      int s = add_slot(c.get());
      p_.constants.push_back({s, "", c->data().data(), c->data().size()});  // symbol: assign_names()
      p_.calls.push_back({Call::Kind::CreateConstant, ir::OpKind::Identity, {}, s,
                          static_cast<int>(p_.constants.size() - 1), {}});
    }
    for (const auto& inst : f.instructions()) {
      if (inst->num_results() > ODLA_MAX_OUTPUTS)
        return make_error(ErrorKind::Unsupported, "node '" + inst->name() + "' has " + std::to_string(inst->num_results()) +
                                                      " results; ODLA returns at most 64");
      Call call{Call::Kind::Op, inst->op(), {}, -1, -1, {}};
      const auto& schema = inst->schema();
      for (const auto& p : schema.odla_params) {
        CallArg a;
        switch (p.kind) {
          case sem::OdlaParamKind::Operand:
            if (schema.operands[p.index].variadic) {
              if (inst->operands().size() > 64)  // ODLA_MAX_OUTPUTS
                return make_error(ErrorKind::Unsupported, "node '" + inst->name() + "' (" + std::string(schema.name) +
                                                              ") has " + std::to_string(inst->operands().size()) +
                                                              " operands; ODLA passes at most 64");
              a.kind = ArgKind::ValueList;
              for (ir::Value* v : inst->operands()) a.slots.push_back(slot_of(v));
            } else if (ir::Value* v = inst->operand(p.index)) {
              a.kind = ArgKind::Value;
              a.slot = slot_of(v);
            }
            break;
          case sem::OdlaParamKind::Attr: {
            const auto& as = schema.attrs[p.index];
            switch (as.type) {
              case sem::AttrType::Int: a.kind = ArgKind::Int; a.i = inst->attrs().get_int(as.name); break;
              case sem::AttrType::Bool: a.kind = ArgKind::Bool; a.i = inst->attrs().get_int(as.name) != 0; break;
              case sem::AttrType::Float:
                a.kind = ArgKind::Float;
                a.f = static_cast<float>(inst->attrs().get_float(as.name));
                break;
              case sem::AttrType::Ints:
                a.kind = ArgKind::Shape;
                a.ints = inst->attrs().get_ints(as.name);
                if (a.ints.size() > 10)
                  return make_error(ErrorKind::Unsupported, "node '" + inst->name() + "': attribute '" +
                                                                std::string(as.name) + "' has more than 10 entries");
                break;
              case sem::AttrType::String: a.kind = ArgKind::String; a.s = inst->attrs().get_string(as.name); break;
              case sem::AttrType::Floats:
                return make_error(ErrorKind::Unsupported, "node '" + inst->name() + "': float-list attributes cannot be passed to ODLA yet");
            }
            break;
          }
          case sem::OdlaParamKind::OutputDims:
            a.kind = ArgKind::Shape;
            a.ints = inst->result()->type().dims;
            break;
          case sem::OdlaParamKind::Id:
          case sem::OdlaParamKind::Ids:
            break;  // filled in below, once the result slots exist
        }
        call.args.push_back(std::move(a));
      }
      for (size_t r = 0; r < inst->num_results(); ++r) {
        HALO_TRY(check_type(inst->result(r)));
        call.results.push_back(add_slot(inst->result(r)));
      }
      call.slot = call.results.front();
      for (size_t k = 0; k < schema.odla_params.size(); ++k)
        if (schema.odla_params[k].kind == sem::OdlaParamKind::Id) {
          call.args[k].kind = ArgKind::Id;
          call.args[k].slot = call.slot;
        } else if (schema.odla_params[k].kind == sem::OdlaParamKind::Ids) {
          call.args[k].kind = ArgKind::IdList;
          call.args[k].slots = call.results;
        }
      p_.calls.push_back(std::move(call));
    }
    for (ir::Value* o : f.outputs()) {
      int s = slot_of(o);
      if (std::find(p_.outputs.begin(), p_.outputs.end(), s) != p_.outputs.end())
        return make_error(ErrorKind::Unsupported, "value '" + o->name() + "' is listed twice as an output");
      p_.outputs.push_back(s);
      p_.calls.push_back({Call::Kind::SetOutput, ir::OpKind::Identity, {}, s, -1, {}});
    }
    assign_names();
    return std::move(p_);
  }

 private:
  // The generated source has three kinds of names that must not meet: weight symbols
  // (<entry>_<constant>), locals of the build function (one per value, plus
  // operands_<n>), and the entry function's parameters and the globals it uses. Locals
  // hiding a weight symbol would silently pass a value handle as weight data.
  void assign_names() {
    const std::string& e = p_.entry;
    std::unordered_set<std::string> symbols;
    for (auto& c : p_.constants) {
      c.symbol = e + "_" + p_.slots[c.slot].c_name;
      symbols.insert(c.symbol);
    }
    std::unordered_set<std::string> globals = {
        e,          e + "_init", e + "_fini", e + "_comp", e + "_pool", e + "_pool_size", e + "_lock", e + "_build",
        e + "_run", e + "_create_context", e + "_destroy_context", "ctx", "fail", "stderr", "fprintf", "main"};
    auto taken = [&](const std::string& n) {
      return symbols.count(n) || globals.count(n) || used_.count(n) || generated_local(n);
    };
    for (auto& slot : p_.slots) {
      if (!symbols.count(slot.c_name) && !globals.count(slot.c_name) && !generated_local(slot.c_name)) continue;
      used_.erase(slot.c_name);
      std::string base = slot.c_name + "_v";
      std::string n = base;
      for (int k = 1; taken(n); ++k) n = base + std::to_string(k);
      slot.c_name = n;
      used_.insert(n);
    }
    std::unordered_set<std::string> params;
    auto unique_param = [&](std::string n) {
      std::string base = n;
      for (int k = 1; params.count(n) || globals.count(n); ++k) n = base + "_" + std::to_string(k);
      params.insert(n);
      return n;
    };
    for (int in : p_.inputs) p_.input_params.push_back(unique_param(p_.slots[in].c_name));
    for (int out : p_.outputs) p_.output_params.push_back(unique_param("out_" + p_.slots[out].c_name));
  }

  // Locals the emitter declares itself: operands_<n> (variadic operands), ids_<n> and
  // results_<n> (multi-result ops).
  static bool generated_local(const std::string& n) {
    return n.rfind("operands_", 0) == 0 || n.rfind("ids_", 0) == 0 || n.rfind("results_", 0) == 0;
  }

  Status check_type(const ir::Value* v) const {
    // A hostile model may declare thousands of dimensions: name the rank, not the type.
    if (v->type().rank() > 10)  // ODLA_MAX_DIMENSION
      return make_error(ErrorKind::Unsupported, "value '" + v->name() + "' has rank " + std::to_string(v->type().rank()) +
                                                    "; ODLA needs static shapes of rank 10 or less");
    if (!v->type().is_static())
      return make_error(ErrorKind::Unsupported, "value '" + v->name() + "' has type " + sem::to_string(v->type()) +
                                                    "; ODLA needs static shapes of rank 10 or less");
    return {};
  }

  int add_slot(const ir::Value* v) {
    std::string c = to_c_identifier(v->name());
    std::string base = c;
    for (int k = 1; used_.count(c); ++k) c = base + "_" + std::to_string(k);
    used_.insert(c);
    p_.slots.push_back({v->name(), c, v->type()});
    int s = static_cast<int>(p_.slots.size() - 1);
    index_[v] = s;
    return s;
  }
  int slot_of(const ir::Value* v) const { return index_.at(v); }

  CallProgram p_;
  std::unordered_map<const ir::Value*, int> index_;
  std::unordered_set<std::string> used_;
};

}  // namespace

Expected<CallProgram> lower(const ir::Function& f, const std::string& entry) { return Lowering(entry).run(f); }

}  // namespace halo::codegen
