// builder.cc - instruction creation: schema checks, defaults and type inference.
#include "halo/ops/builder.h"

#include <algorithm>

#include "semantics.h"

namespace halo::ir {

Status check_schema(OpKind op, const std::vector<Value*>& operands, const AttrMap& attrs,
                    const std::string& name) {
  const auto& s = sem::op_schema(op);
  auto where = "node '" + name + "' (" + std::string(s.name) + ")";
  bool variadic = !s.operands.empty() && s.operands[0].variadic;
  if (variadic) {
    if (operands.empty()) return make_error(ErrorKind::Parse, where + ": needs at least one operand");
  } else {
    size_t required = 0;
    for (const auto& o : s.operands) required += o.optional ? 0 : 1;
    if (operands.size() > s.operands.size() || operands.size() < required)
      return make_error(ErrorKind::Parse, where + ": expects " + std::to_string(required) +
                                              (required == s.operands.size() ? "" : " to " + std::to_string(s.operands.size())) +
                                              " operands, got " + std::to_string(operands.size()));
  }
  for (size_t i = 0; i < operands.size(); ++i)
    if (!operands[i] && (variadic || !s.operands[i].optional))
      return make_error(ErrorKind::Parse, where + ": operand " + std::to_string(i) + " is missing");
  for (const auto& [key, value] : attrs.entries()) {
    const sem::AttrSchema* a = nullptr;
    for (const auto& x : s.attrs)
      if (x.name == key) a = &x;
    if (!a) return make_error(ErrorKind::Unsupported, where + ": unknown attribute '" + key + "'");
    bool ok = false;
    switch (a->type) {
      case sem::AttrType::Int:
      case sem::AttrType::Bool: ok = std::holds_alternative<int64_t>(value); break;
      case sem::AttrType::Float: ok = std::holds_alternative<double>(value); break;
      case sem::AttrType::Ints: ok = std::holds_alternative<std::vector<int64_t>>(value); break;
      case sem::AttrType::Floats: ok = std::holds_alternative<std::vector<double>>(value); break;
      case sem::AttrType::String: ok = std::holds_alternative<std::string>(value); break;
    }
    if (!ok) return make_error(ErrorKind::Parse, where + ": attribute '" + key + "' has the wrong type");
  }
  return {};
}

Expected<std::vector<TensorType>> infer_result_types(OpKind op, const std::vector<Value*>& operands,
                                                     const AttrMap& attrs, const std::string& name) {
  std::vector<TensorType> in;
  in.reserve(operands.size());
  for (Value* v : operands) in.push_back(v ? v->type() : TensorType{});
  std::vector<TensorType> out;
  std::string err = sem::infer_types(op, in, attrs, out);
  if (!err.empty())
    return make_error(ErrorKind::Parse, "node '" + name + "' (" + std::string(sem::op_schema(op).name) +
                                            "): " + err);
  return out;
}

Expected<Instruction*> create_op(Function& f, OpKind op, std::vector<Value*> operands,
                                 AttrMap attrs, const std::string& name, Instruction* pos) {
  HALO_TRY(check_schema(op, operands, attrs, name));
  std::string missing = sem::fill_attr_defaults(sem::op_schema(op), attrs);
  if (!missing.empty())
    return make_error(ErrorKind::Parse, "node '" + name + "' (" + std::string(sem::op_schema(op).name) +
                                            "): missing required attribute '" + missing + "'");
  auto types = infer_result_types(op, operands, attrs, name);
  if (!types) return types.status();
  auto inst = std::make_unique<Instruction>(op, std::move(attrs));
  inst->set_operands(std::move(operands));
  for (size_t i = 0; i < types->size(); ++i)
    inst->add_result(i == 0 ? name : name + ":" + std::to_string(i), (*types)[i]);
  return f.add_instruction(std::move(inst), pos);
}

Status check_supported_dtypes(const Function& f, const std::string& source, int64_t opset) {
  std::string bad;
  int count = 0;
  for (const auto& inst : f.instructions()) {
    const Value* v = inst->operand(0);
    if (!v) continue;
    const auto& s = inst->schema();
    DType t = v->type().dtype;
    if (std::find(s.dtypes.begin(), s.dtypes.end(), t) != s.dtypes.end()) continue;
    std::string have;
    for (DType d : s.dtypes) {
      if (!have.empty()) have += ' ';
      have += sem::dtype_name(d);
    }
    bad += "\n  node '";
    bad += inst->name();
    bad += "' (";
    bad += s.name;
    if (opset > 0) bad += ", opset " + std::to_string(opset);
    bad += "): element type ";
    bad += sem::dtype_name(t);
    bad += " is not implemented (supported: ";
    bad += have;
    bad += ")";
    ++count;
  }
  if (!count) return {};
  // One node: one line, like every other error (the list needs several).
  if (count == 1) return make_error(ErrorKind::Unsupported, source + ": " + bad.substr(3));
  return make_error(ErrorKind::Unsupported, source + ": " + std::to_string(count) + " node" + (count > 1 ? "s" : "") +
                                                " with unsupported element types:" + bad);
}

}  // namespace halo::ir
