// lowering.h - optimized IR -> the ODLA call program.
//
// The lowering is written once; its result, a CallProgram (a sequence of ODLA calls with
// typed arguments), has two consumers: the C/C++ emitter prints it and the in-process
// executor performs it on a runtime library. A test that passes in-process therefore
// exercises the very calls that the emitted code makes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"

namespace halo::codegen {

enum class ArgKind { Value, ValueList, Null, Int, Float, Bool, Shape, String, Id, IdList };

/// One argument of an ODLA call.
struct CallArg {
  ArgKind kind = ArgKind::Null;
  int slot = -1;                ///< Value / Id: the value slot
  std::vector<int> slots;       ///< ValueList, IdList
  int64_t i = 0;                ///< Int / Bool
  float f = 0;                  ///< Float (ODLA takes odla_float32)
  std::vector<int64_t> ints;    ///< Shape (dims, strides, pads, ...)
  std::string s;                ///< String
};

/// A value of the program: an argument, a constant or an op result.
struct Slot {
  std::string id;      ///< the ODLA value id (the IR name)
  std::string c_name;  ///< a C identifier, unique in the program (the local variable)
  ir::TensorType type;
};

struct Call {
  enum class Kind { CreateArgument, CreateConstant, Op, SetOutput } kind;
  ir::OpKind op = ir::OpKind::Identity;  ///< for Op
  std::vector<CallArg> args;             ///< for Op, in ODLA parameter order
  int slot = -1;                         ///< the value defined (or marked as output); an op's first result
  int constant = -1;                     ///< for CreateConstant: index into constants
  std::vector<int> results;              ///< for Op: every result slot (ops may have several)
};

/// A constant's data, still owned by the IR module.
struct ConstantData {
  int slot;
  std::string symbol;  ///< the data symbol in model.bin / the C data file
  const uint8_t* data;
  size_t size;
};

struct CallProgram {
  std::string entry;            ///< entry function name
  std::vector<Slot> slots;
  std::vector<int> inputs;      ///< argument slots, in order
  std::vector<int> outputs;     ///< output slots, in order
  std::vector<std::string> input_params, output_params;  ///< entry function parameter names
  std::vector<ConstantData> constants;
  std::vector<Call> calls;
};

/// Lowers `f`; `entry` names the generated functions and prefixes data symbols.
Expected<CallProgram> lower(const ir::Function& f, const std::string& entry);

/// Turns any string into a C identifier (invalid characters become '_').
std::string to_c_identifier(const std::string& s);

}  // namespace halo::codegen
