// importer.cc - ONNX ModelProto -> HALO IR.
//
// The importer reads the model (binary or ONNX's text syntax), checks every node against
// the mapping table generated from ops/frontends/onnx.toml and reports all unsupported
// operators at once, then builds the IR node by node: initializers and Constant nodes
// become constants, graph inputs become arguments (with --batch-size / --input-shape
// applied), and each node is converted by the generic attribute mapping plus, where the
// table names one, a hand-written handler (handlers.cc).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include <google/protobuf/io/coded_stream.h>

#include "control_flow.h"
#include "halo/support/file_io.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx_context.h"
#include "tensor_proto.h"

namespace halo::onnx_import {
namespace {

struct MapEntry {
  const char* onnx;
  ir::OpKind ir;
  const char* ignore;  // comma-separated
  const char* handler;
  int64_t min_opset, max_opset;
};

constexpr MapEntry kMap[] = {
#define ONNX_OP(NAME, IR, IGNORE, HANDLER, MIN, MAX) {NAME, ir::OpKind::IR, IGNORE, HANDLER, MIN, MAX},
#include "onnx_op_map.inc"
#undef ONNX_OP
};

const MapEntry* find_entry(const std::string& op, int64_t opset) {
  for (const auto& e : kMap)
    if (op == e.onnx && opset >= e.min_opset && opset <= e.max_opset) return &e;
  return nullptr;
}

bool ignored(const MapEntry& e, const std::string& attr) {
  std::string_view list = e.ignore;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    if (list.substr(start, end - start) == attr) return true;
    start = end + 1;
  }
  return false;
}

const char* attr_type_name(int t) {
  switch (t) {
    case onnx::AttributeProto::FLOAT: return "float";
    case onnx::AttributeProto::INT: return "int";
    case onnx::AttributeProto::STRING: return "string";
    case onnx::AttributeProto::INTS: return "ints";
    case onnx::AttributeProto::FLOATS: return "floats";
    case onnx::AttributeProto::TENSOR: return "tensor";
    case onnx::AttributeProto::GRAPH: return "graph";
    default: return "other";
  }
}

// Converts ONNX attributes to IR attributes using the IR schema's types. Attributes the
// IR op does not have are handed to the handler untouched in `extra` (e.g. auto_pad).
Status convert_attrs(const NodeContext& ctx, const MapEntry& e, ir::AttrMap& attrs, ir::AttrMap& extra) {
  const auto& schema = sem::op_schema(e.ir);
  for (const auto& a : ctx.node.attribute()) {
    if (ignored(e, a.name())) continue;
    const sem::AttrSchema* s = nullptr;
    for (const auto& x : schema.attrs)
      if (x.name == a.name()) s = &x;
    sem::AttrValue v;
    // An attribute the operator has, given as a graph, tensor or other kind HALO never
    // converts, is of the wrong type (exit 3), not an unsupported feature.
    bool convertible = a.type() == onnx::AttributeProto::INT || a.type() == onnx::AttributeProto::FLOAT ||
                       a.type() == onnx::AttributeProto::STRING || a.type() == onnx::AttributeProto::INTS ||
                       a.type() == onnx::AttributeProto::FLOATS;
    if (s && !convertible)
      return ctx.error(ErrorKind::Parse, "attribute '" + a.name() + "' has type " + attr_type_name(a.type()));
    switch (a.type()) {
      case onnx::AttributeProto::INT: v = static_cast<int64_t>(a.i()); break;
      case onnx::AttributeProto::FLOAT: v = static_cast<double>(a.f()); break;
      case onnx::AttributeProto::STRING: v = a.s(); break;
      case onnx::AttributeProto::INTS: v = std::vector<int64_t>(a.ints().begin(), a.ints().end()); break;
      case onnx::AttributeProto::FLOATS: v = std::vector<double>(a.floats().begin(), a.floats().end()); break;
      default:
        return ctx.error(ErrorKind::Unsupported, "attribute '" + a.name() + "' of type " + attr_type_name(a.type()) +
                                                     " is not supported");
    }
    if (!s) {
      extra.set(a.name(), std::move(v));
      continue;
    }
    bool ok = false;
    switch (s->type) {
      case sem::AttrType::Int:
      case sem::AttrType::Bool: ok = a.type() == onnx::AttributeProto::INT; break;
      case sem::AttrType::Float:
        ok = a.type() == onnx::AttributeProto::FLOAT;
        if (a.type() == onnx::AttributeProto::INT) ok = true, v = static_cast<double>(a.i());
        break;
      case sem::AttrType::Ints: ok = a.type() == onnx::AttributeProto::INTS; break;
      case sem::AttrType::Floats: ok = a.type() == onnx::AttributeProto::FLOATS; break;
      case sem::AttrType::String: ok = a.type() == onnx::AttributeProto::STRING; break;
    }
    if (!ok)
      return ctx.error(ErrorKind::Parse, "attribute '" + a.name() + "' has type " + attr_type_name(a.type()));
    attrs.set(a.name(), std::move(v));
  }
  return {};
}

// Renames, in `g` and the graphs nested in it, every name `rename` maps (definitions and
// uses alike, so the graph stays consistent).
void rename_graph(onnx::GraphProto& g, const std::unordered_map<std::string, std::string>& rename) {
  auto fix = [&](std::string* n) {
    auto it = rename.find(*n);
    if (it != rename.end()) *n = it->second;
  };
  for (auto& v : *g.mutable_input()) fix(v.mutable_name());
  for (auto& v : *g.mutable_output()) fix(v.mutable_name());
  for (auto& t : *g.mutable_initializer()) fix(t.mutable_name());
  for (auto& n : *g.mutable_node()) {
    for (auto& i : *n.mutable_input()) fix(&i);
    for (auto& o : *n.mutable_output()) fix(&o);
    for (auto& a : *n.mutable_attribute())
      if (a.type() == onnx::AttributeProto::GRAPH) rename_graph(*a.mutable_g(), rename);
  }
}

// Counts the uses of every name in `g` and in the graphs nested in it.
void count_uses(const onnx::GraphProto& g, std::unordered_map<std::string, int>& counts) {
  for (const auto& n : g.node()) {
    for (const auto& i : n.input()) ++counts[i];
    for (const auto& a : n.attribute())
      if (a.type() == onnx::AttributeProto::GRAPH) count_uses(a.g(), counts);
  }
  for (const auto& o : g.output()) ++counts[o.name()];
}

// Sub-graphs nested deeper than this are refused: real models nest a few levels, and the
// importer recurses once per level.
constexpr int kMaxGraphDepth = 32;

class Importer : public SubgraphImporter {
 public:
  Importer(const onnx::ModelProto& m, std::string source, const ImportOptions& opts)
      : model_(m), source_(std::move(source)), opts_(opts) {}

  Expected<std::unique_ptr<ir::Module>> run() {
    opset_ = default_opset();
    const auto& g0 = model_.graph();
    if (opset_ == 0 || opset_ < -1)
      return make_error(ErrorKind::Parse, source_ + ": default-domain opset " + std::to_string(opset_) + " is not valid");
    if (opset_ < 1) {
      // A model of other domains only (e.g. ai.onnx.ml) is unsupported (exit 4, its nodes
      // listed); one that uses default-domain ops without importing the opset is invalid.
      bool foreign = false;
      for (const auto& n : g0.node()) foreign |= !n.domain().empty() && n.domain() != "ai.onnx";
      if (foreign) HALO_TRY(check_supported(g0));
      return make_error(ErrorKind::Parse, source_ + ": the model imports no default-domain opset");
    }
    if (opset_ > kNewestOpset)
      return make_error(ErrorKind::Unsupported, source_ + ": opset " + std::to_string(opset_) +
                                                    " is newer than the newest supported (" + std::to_string(kNewestOpset) + ")");
    const auto& g = model_.graph();
    HALO_TRY(check_supported(g));
    auto module = std::make_unique<ir::Module>();
    module->source = source_;
    module->opset = opset_;
    std::string stem = std::filesystem::path(source_).stem().string();
    auto f = std::make_unique<ir::Function>(stem.empty() ? "model" : stem);
    f_ = f.get();
    count_uses(g, use_counts_);
    HALO_TRY(import_initializers(g));
    HALO_TRY(import_inputs(g));
    graph_ = &g;
    for (const auto& n : g.node()) HALO_TRY(import_node(n));
    std::vector<ir::Value*> outs;
    for (const auto& o : g.output()) {
      auto it = values_.find(o.name());
      if (it == values_.end() || !it->second)
        return make_error(ErrorKind::Parse, source_ + ": graph output '" + o.name() + "' is not produced by any node");
      outs.push_back(it->second);
    }
    if (outs.empty()) return make_error(ErrorKind::Parse, source_ + ": the graph has no outputs");
    f->set_outputs(outs);
    module->functions.push_back(std::move(f));
    return module;
  }

  static constexpr int64_t kNewestOpset = 24;  // the newest opset of the pinned onnx package (1.19)

 private:
  int64_t default_opset() const {
    int64_t v = -1;
    for (const auto& o : model_.opset_import())
      if (o.domain().empty() || o.domain() == "ai.onnx") v = o.version();
    return v;
  }

  std::string model_dir() const { return std::filesystem::path(source_).parent_path().string(); }

  std::string node_name(const onnx::NodeProto& n) const {
    if (!n.name().empty()) return n.name();
    for (const auto& o : n.output())
      if (!o.empty()) return o;
    return n.op_type();
  }

  std::string where(const onnx::NodeProto& n) const {
    return source_ + ": node '" + node_name(n) + "' (" + n.op_type() + ", opset " + std::to_string(opset_) + ")";
  }

  // ", f32" for the node's first input when the graph declares its type (graph inputs,
  // initializers, value_info), so that messages name the element type too.
  static std::string input_dtype(const onnx::GraphProto& g, const onnx::NodeProto& n) {
    if (n.input_size() == 0 || n.input(0).empty()) return {};
    const std::string& x = n.input(0);
    auto from = [&](int32_t t) {
      auto d = dtype_from_onnx(t);
      return d ? ", " + std::string(sem::dtype_name(*d)) : std::string();
    };
    for (const auto& t : g.initializer())
      if (t.name() == x) return from(t.data_type());
    for (const auto* list : {&g.input(), &g.value_info(), &g.output()})
      for (const auto& v : *list)
        if (v.name() == x && v.type().has_tensor_type()) return from(v.type().tensor_type().elem_type());
    return {};
  }

  Status check_supported(const onnx::GraphProto& g) const {
    std::vector<std::string> bad;
    if (!find_unsupported(g, 0, bad))
      return make_error(ErrorKind::Unsupported, source_ + ": sub-graphs are nested more than " +
                                                    std::to_string(kMaxGraphDepth) + " levels deep");
    if (bad.empty()) return {};
    // One unsupported node: one line, like every other error (the list needs several).
    if (bad.size() == 1) return make_error(ErrorKind::Unsupported, source_ + ": " + bad[0]);
    std::string msg = source_ + ": " + std::to_string(bad.size()) + " unsupported node" + (bad.size() > 1 ? "s" : "") + ":";
    // A hostile model can have a million of them: the first ones tell what is missing.
    constexpr size_t kMaxListed = 100;
    for (size_t i = 0; i < bad.size() && i < kMaxListed; ++i) msg += "\n  " + bad[i];
    if (bad.size() > kMaxListed) msg += "\n  ... and " + std::to_string(bad.size() - kMaxListed) + " more";
    return make_error(ErrorKind::Unsupported, msg);
  }

  // Lists the unsupported nodes of `g` and of the sub-graphs of its control-flow nodes;
  // false when the nesting is too deep.
  bool find_unsupported(const onnx::GraphProto& g, int depth, std::vector<std::string>& bad) const {
    if (depth > kMaxGraphDepth) return false;
    for (const auto& n : g.node()) {
      if (n.op_type() == "Constant" && (n.domain().empty() || n.domain() == "ai.onnx")) continue;
      if (!n.domain().empty() && n.domain() != "ai.onnx") {
        int64_t version = -1;
        for (const auto& o : model_.opset_import())
          if (o.domain() == n.domain()) version = o.version();
        bad.push_back("node '" + node_name(n) + "' (" + n.domain() + "::" + n.op_type() + ", opset " +
                      std::to_string(version) + "): operator domain '" + n.domain() + "' is not supported");
        continue;
      }
      if (is_control_flow(n)) {
        for (const auto& a : n.attribute())
          if (a.type() == onnx::AttributeProto::GRAPH && !find_unsupported(a.g(), depth + 1, bad)) return false;
        continue;
      }
      if (!find_entry(n.op_type(), opset_))
        bad.push_back("node '" + node_name(n) + "' (" + n.op_type() + ", opset " + std::to_string(opset_) +
                      input_dtype(g, n) + "): unsupported operator");
    }
    return true;
  }

  Expected<std::vector<ir::Value*>> inline_graph(const onnx::GraphProto& body, const std::vector<ir::Value*>& inputs,
                                                 const std::string& scope) override {
    if (depth_ >= kMaxGraphDepth)
      return make_error(ErrorKind::Unsupported, source_ + ": sub-graphs are nested more than " +
                                                    std::to_string(kMaxGraphDepth) + " levels deep");
    if (body.input_size() != static_cast<int>(inputs.size()))
      return make_error(ErrorKind::Parse, source_ + ": sub-graph '" + body.name() + "' of '" + scope + "' takes " +
                                              std::to_string(body.input_size()) + " inputs, " +
                                              std::to_string(inputs.size()) + " given");
    // A private copy whose internal names carry the scope: each inlined copy (one per
    // iteration, say) defines its own values.
    onnx::GraphProto g = body;
    std::unordered_map<std::string, std::string> rename;
    auto internal = [&](const std::string& n) {
      if (!n.empty()) rename[n] = scope + "/" + n;
    };
    for (const auto& v : g.input()) internal(v.name());
    for (const auto& t : g.initializer()) internal(t.name());
    for (const auto& n : g.node())
      for (const auto& o : n.output()) internal(o);
    rename_graph(g, rename);
    count_uses(g, use_counts_);
    ++depth_;
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    HALO_TRY(import_initializers(g));
    for (size_t k = 0; k < inputs.size(); ++k) HALO_TRY(define(g.input(static_cast<int>(k)).name(), inputs[k]));
    const onnx::GraphProto* outer = graph_;
    graph_ = &g;
    for (const auto& n : g.node()) HALO_TRY(import_node(n));
    graph_ = outer;
    std::vector<ir::Value*> outs;
    for (const auto& o : g.output()) {
      auto it = values_.find(o.name());
      if (it == values_.end() || !it->second)
        return make_error(ErrorKind::Parse, source_ + ": output '" + o.name() + "' of a sub-graph of '" + scope +
                                                "' is not produced by any node");
      outs.push_back(it->second);
    }
    return outs;
  }

  // `what` says which definition clashes (", by node 'n' (Op, opset 13)"), so the error
  // names the node as well as the value.
  Status define(const std::string& name, ir::Value* v, const std::string& what = {}) {
    if (!values_.emplace(name, v).second)
      return make_error(ErrorKind::Parse, source_ + ": value '" + name + "' is defined more than once" + what);
    return {};
  }

  Status import_initializers(const onnx::GraphProto& g) {
    // Else their names would only show up as "not defined" where they are used.
    if (g.sparse_initializer_size() > 0)
      return make_error(ErrorKind::Unsupported, source_ + ": sparse initializer '" + g.sparse_initializer(0).values().name() +
                                                    "' (sparse initializers are not supported)");
    for (const auto& t : g.initializer()) {
      auto td = read_tensor(t, source_ + ": initializer '" + t.name() + "'", model_dir());
      if (!td) return td.status();
      if (t.name().empty()) return make_error(ErrorKind::Parse, source_ + ": an initializer has no name");
      HALO_TRY(define(t.name(), f_->add_constant(t.name(), td->type, td->data), " (again by an initializer)"));
    }
    return {};
  }

  Status import_inputs(const onnx::GraphProto& g) {
    std::set<std::string> seen;
    for (const auto& in : g.input()) {
      const auto& tp = in.type();
      std::string w = source_ + ": input '" + in.name() + "'";
      if (!seen.insert(in.name()).second) return make_error(ErrorKind::Parse, w + " is declared more than once");
      if (auto it = values_.find(in.name()); it != values_.end()) {
        // An initializer listed as input (IR version < 4, or a default value): it stays a
        // constant, but what the input declares must agree with it, else the model is
        // inconsistent and compiling it would silently ignore one of the two.
        const ir::TensorType& t = it->second->type();
        bool same = tp.has_tensor_type() && dtype_from_onnx(tp.tensor_type().elem_type()) == t.dtype;
        if (same && tp.tensor_type().has_shape()) {
          const auto& dims = tp.tensor_type().shape().dim();
          same = dims.size() == static_cast<int>(t.rank());
          for (int k = 0; same && k < dims.size(); ++k)
            same = !dims[k].has_dim_value() || dims[k].dim_value() == t.dims[static_cast<size_t>(k)];
        }
        if (!same)
          return make_error(ErrorKind::Parse, w + " and the initializer of the same name (" + sem::to_string(t) +
                                                  ") disagree in element type or shape");
        continue;
      }
      // No type, or a tensor type without element type, is a malformed model (exit 3);
      // sequences, maps and unknown element types are unsupported (exit 4).
      if (!in.has_type() || tp.value_case() == onnx::TypeProto::VALUE_NOT_SET)
        return make_error(ErrorKind::Parse, w + " has no type");
      if (!tp.has_tensor_type()) return make_error(ErrorKind::Unsupported, w + " is not a tensor");
      if (tp.tensor_type().elem_type() == onnx::TensorProto::UNDEFINED)
        return make_error(ErrorKind::Parse, w + " has no element type");
      auto dt = dtype_from_onnx(tp.tensor_type().elem_type());
      if (!dt) return make_error(ErrorKind::Unsupported, w + " has an unsupported element type");
      ir::TensorType t{*dt, {}};
      if (!tp.tensor_type().has_shape())
        return make_error(ErrorKind::Unsupported, w + " has no shape; give it with --input-shape=" + in.name() + ":DIMS");
      for (const auto& d : tp.tensor_type().shape().dim()) {
        // A negative extent is not "unknown" (that is a dim_param or no value): it is invalid.
        if (d.has_dim_value() && d.dim_value() < 0)
          return make_error(ErrorKind::Parse, w + " has a negative dimension " + std::to_string(d.dim_value()));
        t.dims.push_back(d.has_dim_value() ? d.dim_value() : sem::kUnknownDim);
      }
      if (opts_.batch_size > 0 && !t.dims.empty()) t.dims[0] = opts_.batch_size;
      for (const auto& [name, dims] : opts_.input_shapes)
        if (name == in.name()) t.dims = dims;
      if (!t.is_static())
        return make_error(ErrorKind::Unsupported, w + " has unknown dimensions " + sem::to_string(t) +
                                                      "; give them with --input-shape=" + in.name() + ":DIMS or --batch-size");
      // Later stages compute byte sizes in int64; refuse shapes whose size overflows.
      if (t.num_bytes() < 0)
        return make_error(ErrorKind::Parse, w + " of type " + sem::to_string(t) + " has a byte size that overflows 64 bits");
      HALO_TRY(define(in.name(), f_->add_argument(in.name(), t)));
    }
    for (const auto& [name, dims] : opts_.input_shapes) {
      bool found = false;
      for (const auto& a : f_->arguments()) found |= a->name() == name;
      if (!found) return make_error(ErrorKind::Usage, "--input-shape: the model has no input '" + name + "'");
    }
    return {};
  }

  Status import_constant_node(const onnx::NodeProto& n) {
    std::string w = where(n);
    if (n.output_size() != 1 || n.attribute_size() != 1)
      return make_error(ErrorKind::Parse, w + ": expects one output and one attribute");
    const auto& a = n.attribute(0);
    TensorData td;
    auto scalar_or_list = [&](ir::DType dt, const void* src, size_t count, bool list) {
      td.type = {dt, list ? std::vector<int64_t>{static_cast<int64_t>(count)} : std::vector<int64_t>{}};
      td.data = std::make_shared<std::vector<uint8_t>>(count * sem::dtype_size(dt));
      if (count) std::memcpy(td.data->data(), src, td.data->size());
    };
    if (a.name() == "value" && a.has_t()) {
      auto r = read_tensor(a.t(), w, model_dir());
      if (!r) return r.status();
      td = r.take();
    } else if (a.name() == "value_float") {
      float v = a.f();
      scalar_or_list(ir::DType::f32, &v, 1, false);
    } else if (a.name() == "value_int") {
      int64_t v = a.i();
      scalar_or_list(ir::DType::i64, &v, 1, false);
    } else if (a.name() == "value_floats") {
      std::vector<float> v(a.floats().begin(), a.floats().end());
      scalar_or_list(ir::DType::f32, v.data(), v.size(), true);
    } else if (a.name() == "value_ints") {
      std::vector<int64_t> v(a.ints().begin(), a.ints().end());
      scalar_or_list(ir::DType::i64, v.data(), v.size(), true);
    } else {
      return make_error(ErrorKind::Unsupported, w + ": attribute '" + a.name() + "' is not supported");
    }
    return define(n.output(0), f_->add_constant(n.output(0), td.type, td.data),
                  " (again by node '" + node_name(n) + "', Constant)");
  }

  // A node of the mapping table: generic attribute conversion, then its handler.
  static Expected<std::vector<ir::Value*>> import_mapped(NodeContext& ctx, const MapEntry& e) {
    // ODLA passes at most 64 operands (ODLA_MAX_OUTPUTS); say so for the ONNX node here
    // rather than later for an IR value the user does not know.
    const auto& schema = sem::op_schema(e.ir);
    if (schema.operands.size() == 1 && schema.operands[0].variadic && ctx.inputs.size() > 64)
      return ctx.error(ErrorKind::Unsupported, "has " + std::to_string(ctx.inputs.size()) +
                                                   " inputs; ODLA passes at most 64 operands");
    ir::AttrMap extra;
    HALO_TRY(convert_attrs(ctx, e, ctx.attrs, extra));
    for (const auto& [k, v] : extra.entries()) ctx.attrs.set(k, v);  // handlers consume and erase these
    if (!*e.handler) return emit_default(ctx);
    Handler h = find_handler(e.handler);
    if (!h) return ctx.error(ErrorKind::Failure, std::string("internal: no handler '") + e.handler + "'");
    return h(ctx);
  }

  // The node's first input against ONNX's own schema of the operator: handlers read
  // their first input without checking (Flatten with input "" dereferenced null:
  // SIGSEGV; Softmax without inputs read past the list). Only input 0 and "no inputs at
  // all" are checked: the system's ONNX library may be older than the newest opset HALO
  // supports, and input counts changed across versions (ReduceMean-18, Pad-19).
  Status check_first_input(const onnx::NodeProto& n) const {
    const auto* os = onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(opset_), "");
    if (!os || os->inputs().empty() || os->min_input() < 1) return {};
    if (n.input_size() == 0)
      return make_error(ErrorKind::Parse, where(n) + ": has no inputs; the operator takes at least " +
                                              std::to_string(os->min_input()));
    const auto& first = os->inputs().front();
    if (first.GetOption() != onnx::OpSchema::Optional && n.input(0).empty())
      return make_error(ErrorKind::Parse, where(n) + ": input 0 ('" + first.GetName() + "') is required but empty");
    return {};
  }

  Status import_node(const onnx::NodeProto& n) {
    // A node without any named output is malformed (and reading output(0) of an empty
    // list aborts in protobuf). An empty output 0 with later ones named is valid ONNX
    // (GRU's Y unused, Y_h used); the results are then named after the node.
    if (std::none_of(n.output().begin(), n.output().end(), [](const std::string& o) { return !o.empty(); }))
      return make_error(ErrorKind::Parse, where(n) + ": the node has no named output");
    // Attribute names must be unique and non-empty; otherwise which value counts would
    // depend on the order handlers happen to read them in.
    // No operator has more than a few dozen; hundreds of thousands made the sorted
    // attribute map quadratic (minutes for a 2 MB model).
    constexpr int kMaxAttributes = 1000;
    if (n.attribute_size() > kMaxAttributes)
      return make_error(ErrorKind::Parse, where(n) + ": the node has " + std::to_string(n.attribute_size()) +
                                              " attributes (more than " + std::to_string(kMaxAttributes) + ")");
    std::set<std::string> attr_names;
    for (const auto& a : n.attribute())
      if (a.name().empty() || !attr_names.insert(a.name()).second)
        return make_error(ErrorKind::Parse, where(n) + ": attribute '" + a.name() + "' is " +
                                                (a.name().empty() ? "unnamed" : "given more than once"));
    HALO_TRY(check_first_input(n));
    if (n.op_type() == "Constant") return import_constant_node(n);
    const MapEntry* e = is_control_flow(n) ? nullptr : find_entry(n.op_type(), opset_);
    NodeContext ctx{*f_, n, node_name(n), opset_, where(n), {}, e ? e->ir : ir::OpKind::Identity, {}};
    ctx.use_counts = &use_counts_;
    for (const auto& i : n.input()) {
      if (i.empty()) {
        ctx.inputs.push_back(nullptr);
        continue;
      }
      auto it = values_.find(i);
      if (it == values_.end()) {
        // ONNX requires nodes in topological order; a value defined by a later node (or by
        // this one) means the nodes are out of order or form a cycle.
        for (const auto& later : graph_->node())
          for (const auto& o : later.output())
            if (o == i)
              return ctx.error(ErrorKind::Parse, "input '" + i + "' is defined by " +
                                                     (&later == &n ? std::string("this node itself") : "a later node '" + node_name(later) + "'") +
                                                     " (the graph has a cycle or is not topologically sorted)");
        return ctx.error(ErrorKind::Parse, "input '" + i + "' is not defined by an earlier node, an initializer or a graph input");
      }
      ctx.inputs.push_back(it->second);
    }
    auto outs = e ? import_mapped(ctx, *e) : import_control_flow(ctx, *this);  // check_supported let only these through
    if (!outs) return outs.status();
    for (size_t k = 0; k < static_cast<size_t>(n.output_size()); ++k) {
      const std::string& name = n.output(static_cast<int>(k));
      if (name.empty()) continue;
      ir::Value* v = k < outs->size() ? (*outs)[k] : nullptr;
      if (!v) {
        if (use_counts_[name] > 0)
          return ctx.error(ErrorKind::Unsupported, "output " + std::to_string(k) + " ('" + name + "') is used but not supported");
        continue;
      }
      HALO_TRY(define(name, v, " (again by node '" + node_name(n) + "', " + n.op_type() + ")"));
    }
    return {};
  }

  const onnx::ModelProto& model_;
  std::string source_;
  const ImportOptions& opts_;
  int64_t opset_ = -1;
  ir::Function* f_ = nullptr;
  std::unordered_map<std::string, ir::Value*> values_;
  std::unordered_map<std::string, int> use_counts_;
  int depth_ = 0;  // sub-graphs being inlined
  const onnx::GraphProto* graph_ = nullptr;  // the graph whose nodes are being imported
};

bool looks_like_text(const uint8_t* data, size_t size) {
  size_t n = std::min<size_t>(size, 256);
  if (n == 0) return false;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = data[i];
    if (c < 9 || (c > 13 && c < 32) || c == 127) return false;
  }
  return true;
}

// Protobuf's default nesting limit (100 messages) is about 33 levels of If-in-If, so a
// model nested deeper than the importer's own limit (kMaxGraphDepth) would be reported as
// "does not parse". A higher limit lets such models reach the clear "nested too deep"
// error; it stays bounded so that the recursive parser cannot exhaust the stack.
constexpr int kMaxProtoDepth = 4000;

bool parse_binary(onnx::ModelProto& model, const uint8_t* data, size_t size) {
  google::protobuf::io::CodedInputStream in(data, static_cast<int>(size));
  in.SetRecursionLimit(kMaxProtoDepth);
  return model.ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
}

// ONNX's parser reports errors over several lines (position, context); HALO's errors are
// one line.
std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (u < 0x20 || u == 0x7f) {
      // Context quoted from a binary file: keep the terminal and the log line intact.
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

// ONNX's text parser recurses once per nested graph and overflowed the stack (a crash)
// on a few thousand levels. Sub-graphs are limited to kMaxGraphDepth levels anyway, so
// text whose braces nest deeper than this is refused before it is parsed. Braces in
// string literals and comments do not count.
constexpr int kMaxTextBraceDepth = 256;

int max_brace_depth(const std::string& s) {
  int depth = 0, deepest = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i)
        if (s[i] == '\\') ++i;
    } else if (c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}') {
      --depth;
    }
  }
  return deepest;
}

// Files often handed to the compiler by mistake, recognized by their magic bytes so that
// the error says what the file is rather than only that it does not parse.
const char* other_format(const uint8_t* d, size_t n) {
  auto starts = [&](const char* magic, size_t len, size_t at = 0) {
    return n >= at + len && std::memcmp(d + at, magic, len) == 0;
  };
  if (starts("\x89PNG\r\n\x1a\n", 8)) return "a PNG image";
  if (starts("\xff\xd8\xff", 3)) return "a JPEG image";
  if (starts("PK\x03\x04", 4)) return "a zip archive (a PyTorch checkpoint?)";
  if (starts("\x1f\x8b", 2)) return "a gzip file";
  if (starts("\x7f" "ELF", 4)) return "an ELF object or executable";
  if (starts("\x89HDF\r\n\x1a\n", 8)) return "an HDF5 file (a Keras model?)";
  if (starts("TFL3", 4, 4)) return "a TensorFlow Lite model";
  if (starts("\x80", 1) && n > 1 && d[1] >= 2 && d[1] <= 5) return "a Python pickle";
  return nullptr;
}

}  // namespace
}  // namespace halo::onnx_import

namespace halo {
using onnx_import::Importer;

Expected<std::unique_ptr<ir::Module>> import_onnx_bytes(const uint8_t* data, size_t size, bool text,
                                                        const std::string& source, const ImportOptions& opts) {
  onnx::ModelProto model;
  if (size == 0) return make_error(ErrorKind::Parse, source + ": the file is empty");
  if (text && !onnx_import::looks_like_text(data, size))
    return make_error(ErrorKind::Parse, source + ": not ONNX text: the file holds binary data (binary ONNX models are "
                                                 "named .onnx)");
  if (text) {
    std::string s(reinterpret_cast<const char*>(data), size);
    if (onnx_import::max_brace_depth(s) > onnx_import::kMaxTextBraceDepth)
      return make_error(ErrorKind::Unsupported, source + ": braces nest more than " +
                                                    std::to_string(onnx_import::kMaxTextBraceDepth) +
                                                    " levels deep (sub-graphs are limited to " +
                                                    std::to_string(onnx_import::kMaxGraphDepth) + " levels)");
    onnx::Common::Status st;
    try {
      st = onnx::OnnxParser::Parse(model, s.c_str());
    } catch (const std::exception& e) {
      // ONNX's parser converts numbers with std::stof/stoll, which throw on values out
      // of range (1e999): that is a malformed model, not an internal error.
      return make_error(ErrorKind::Parse, source + ": not valid ONNX text: a number is out of range or malformed (" +
                                              e.what() + ")");
    }
    if (!st.IsOK())
      return make_error(ErrorKind::Parse, source + ": not valid ONNX text: " + onnx_import::one_line(st.ErrorMessage()));
  } else if (size > static_cast<size_t>(INT32_MAX) || !onnx_import::parse_binary(model, data, size)) {
    if (const char* kind = onnx_import::other_format(data, size))
      return make_error(ErrorKind::Parse, source + ": not an ONNX model: the file looks like " + kind);
    return make_error(ErrorKind::Parse, source + ": not a valid ONNX model (the protobuf does not parse; truncated or another format?)");
  }
  if (!model.has_graph() || model.graph().node_size() == 0)
    return make_error(ErrorKind::Parse, source + ": not a valid ONNX model (no graph or no nodes)");
  return Importer(model, source, opts).run();
}

Expected<std::unique_ptr<ir::Module>> import_onnx_file(const std::string& path, const ImportOptions& opts) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.status();
  std::string ext = std::filesystem::path(path).extension().string();
  bool text = ext == ".onnxtxt" || ext == ".txt";
  auto m = import_onnx_bytes(bytes->data(), bytes->size(), text, path, opts);
  // A file that is not binary protobuf but looks like text: try ONNX's text syntax.
  if (!m && !text && onnx_import::looks_like_text(bytes->data(), bytes->size())) {
    auto t = import_onnx_bytes(bytes->data(), bytes->size(), true, path, opts);
    if (t) return t;
  }
  return m;
}

}  // namespace halo
