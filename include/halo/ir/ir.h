// ir.h - HALO IR: modules, functions, values and instructions.
//
// A Function holds its arguments (the model inputs, in order), its constants (weights),
// its instructions in execution order and its outputs. Every value has a name unique in
// its function (the ODLA value id) and a TensorType. Instructions are operators of the
// table in ops/ops.toml with an AttrMap holding every schema attribute. Values keep their
// users, so passes can rewrite def-use chains without rescanning the function.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "attrs.h"
#include "op_schema.h"
#include "tensor.h"

namespace halo::ir {

using sem::AttrMap;
using sem::DType;
using sem::OpKind;
using sem::TensorType;

class Instruction;
class Function;

enum class ValueKind { Argument, Constant, Result };

/// A typed, named SSA value: a function argument, a constant or an instruction result.
class Value {
 public:
  Value(ValueKind kind, std::string name, TensorType type)
      : kind_(kind), name_(std::move(name)), type_(std::move(type)) {}

  ValueKind kind() const { return kind_; }
  bool is_constant() const { return kind_ == ValueKind::Constant; }
  bool is_argument() const { return kind_ == ValueKind::Argument; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  const TensorType& type() const { return type_; }
  void set_type(TensorType t) { type_ = std::move(t); }

  /// The defining instruction of a result value, else null.
  Instruction* def() const { return def_; }
  /// Raw packed data of a constant (empty for other kinds).
  const std::vector<uint8_t>& data() const;
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data().data());
  }
  void set_data(std::shared_ptr<const std::vector<uint8_t>> d) { data_ = std::move(d); }

  /// Instructions using this value; an instruction appears once per operand slot.
  const std::vector<Instruction*>& users() const { return users_; }
  bool has_users() const { return !users_.empty(); }

 private:
  friend class Instruction;
  friend class Function;
  ValueKind kind_;
  std::string name_;
  TensorType type_;
  Instruction* def_ = nullptr;
  std::shared_ptr<const std::vector<uint8_t>> data_;
  std::vector<Instruction*> users_;
};

/// One operator application.
class Instruction {
 public:
  Instruction(OpKind op, AttrMap attrs) : op_(op), attrs_(std::move(attrs)) {}
  ~Instruction();
  Instruction(const Instruction&) = delete;
  Instruction& operator=(const Instruction&) = delete;

  OpKind op() const { return op_; }
  const sem::OpSchema& schema() const { return sem::op_schema(op_); }
  std::string_view op_name() const { return schema().name; }

  /// Operands in schema order; an absent optional operand is null.
  const std::vector<Value*>& operands() const { return operands_; }
  Value* operand(size_t i) const { return i < operands_.size() ? operands_[i] : nullptr; }
  void set_operand(size_t i, Value* v);
  void set_operands(std::vector<Value*> vs);

  AttrMap& attrs() { return attrs_; }
  const AttrMap& attrs() const { return attrs_; }

  Value* result(size_t i = 0) const { return results_[i].get(); }
  size_t num_results() const { return results_.size(); }
  Value* add_result(std::string name, TensorType type);
  /// The instruction's name (its first result's name).
  const std::string& name() const { return results_.front()->name(); }

  Function* parent() const { return parent_; }

 private:
  friend class Function;
  OpKind op_;
  AttrMap attrs_;
  std::vector<Value*> operands_;
  std::vector<std::unique_ptr<Value>> results_;
  Function* parent_ = nullptr;
};

/// A computation: arguments, constants, instructions in order and outputs.
class Function {
 public:
  explicit Function(std::string name) : name_(std::move(name)) {}
  ~Function();

  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }

  Value* add_argument(std::string name, TensorType type);
  Value* add_constant(std::string name, TensorType type,
                      std::shared_ptr<const std::vector<uint8_t>> data);
  /// Appends an instruction (or inserts it before `pos` when given).
  Instruction* add_instruction(std::unique_ptr<Instruction> inst, Instruction* pos = nullptr);

  const std::vector<std::unique_ptr<Value>>& arguments() const { return args_; }
  const std::vector<std::unique_ptr<Value>>& constants() const { return constants_; }
  const std::list<std::unique_ptr<Instruction>>& instructions() const { return insts_; }
  /// Instructions as a vector of pointers (a stable snapshot for rewriting loops).
  std::vector<Instruction*> instruction_list() const;

  const std::vector<Value*>& outputs() const { return outputs_; }
  void set_outputs(std::vector<Value*> outs) { outputs_ = std::move(outs); }
  bool is_output(const Value* v) const;

  /// Redirects every use of `from` (operands and outputs) to `to`.
  void replace_all_uses(Value* from, Value* to);
  /// Removes an instruction whose results have no users and are not outputs.
  void erase(Instruction* inst);
  /// Reorders the arguments: `order` lists each argument exactly once.
  void set_argument_order(const std::vector<Value*>& order);
  /// Removes arguments/constants by predicate (they must have no users).
  void remove_argument(Value* v);
  void remove_constant(Value* v);

  /// Looks a value up by name (linear; fine for tools and tests).
  Value* find_value(std::string_view name) const;
  /// A name not used yet in this function, derived from `base`.
  std::string unique_name(const std::string& base) const;

 private:
  std::string name_;
  std::vector<std::unique_ptr<Value>> args_;
  std::vector<std::unique_ptr<Value>> constants_;
  std::list<std::unique_ptr<Instruction>> insts_;
  std::vector<Value*> outputs_;
};

/// A compilation unit. Today one function per model.
struct Module {
  std::string source;  ///< where it came from, for diagnostics (file name)
  int64_t opset = 0;   ///< the frontend's operator set version (ONNX default domain), 0 if none
  std::vector<std::unique_ptr<Function>> functions;
  Function* main() const { return functions.empty() ? nullptr : functions.front().get(); }
};

}  // namespace halo::ir
