// executor.h - the in-process sink of the lowering: performs a CallProgram's ODLA calls
// on a runtime library loaded with dlopen, with no C compiler involved. `halo run`,
// tests and (later) the Python package use it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "halo/codegen/lowering.h"
#include "halo/support/diagnostics.h"

namespace halo::codegen {

/// A loaded ODLA runtime library (libodla_<name>.so).
class RuntimeLibrary {
 public:
  /// Opens a runtime by path (contains '/') or by name ("reference" ->
  /// libodla_reference.so, searched in $HALO_RUNTIME_DIR, then ../lib/ODLA next to the
  /// running executable, then the system's library path).
  static Expected<std::unique_ptr<RuntimeLibrary>> open(const std::string& name_or_path);
  ~RuntimeLibrary();
  RuntimeLibrary(const RuntimeLibrary&) = delete;
  RuntimeLibrary& operator=(const RuntimeLibrary&) = delete;

  /// The address of an ODLA function, or null.
  void* symbol(const char* name) const;
  const std::string& path() const { return path_; }

 private:
  RuntimeLibrary(void* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  void* handle_;
  std::string path_;
};

/// Builds the computation described by `p` on `rt`, binds `inputs` and `outputs` (one
/// buffer per program input / output, densely packed) and executes it once.
Status execute(const CallProgram& p, const RuntimeLibrary& rt, const std::vector<const void*>& inputs,
               const std::vector<void*>& outputs);

}  // namespace halo::codegen
