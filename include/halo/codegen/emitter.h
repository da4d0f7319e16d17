// emitter.h - prints a CallProgram as C99 or C++ source plus a header and the weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "halo/codegen/lowering.h"

namespace halo::codegen {

struct EmitOptions {
  bool c99 = false;           ///< --target cc (else C++)
  bool data_as_c = false;     ///< --emit-data-as-c: weights as C arrays instead of an ELF object
  bool value_id_as_int = false;  ///< --emit-value-id-as-int: ids are integers (slot + 1)
  std::string model_source;   ///< the model file, named in the banner
  std::string header_name;    ///< e.g. "model.h", included by the source
};

struct EmittedFiles {
  std::string header;               ///< model.h
  std::string source;               ///< model.cc / model.c
  std::string data_source;          ///< model.data.cc / .c (with data_as_c)
  std::vector<uint8_t> data_object; ///< model.bin (without data_as_c)
};

EmittedFiles emit(const CallProgram& p, const EmitOptions& opts);

/// The weights as one ELF object (one aligned global symbol per constant).
std::vector<uint8_t> emit_data_object(const CallProgram& p);

/// The weights as C (or C++) array definitions.
std::string emit_data_source(const CallProgram& p, const EmitOptions& opts);

/// The C element type of an element type ("float", "int64_t", ...).
const char* c_element_type(ir::DType t);

}  // namespace halo::codegen
