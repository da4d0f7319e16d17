// file_io.h - reading inputs and writing outputs without ever leaving partial files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "halo/support/diagnostics.h"

namespace halo {

/// Reads a whole file; the error names the file.
Expected<std::vector<uint8_t>> read_file(const std::string& path);

/// Collects output files and publishes them together: each is written to a temporary
/// name next to its destination and renamed only when commit() is called, so a failure
/// leaves neither partial files nor clobbered earlier outputs.
class OutputSet {
 public:
  OutputSet() = default;
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet();  ///< removes the temporaries of an uncommitted set

  /// Writes `bytes` to a temporary file for `path`.
  Status add(const std::string& path, const void* data, size_t size);
  Status add(const std::string& path, const std::string& text) {
    return add(path, text.data(), text.size());
  }
  /// Renames every temporary onto its destination.
  Status commit();

 private:
  std::vector<std::pair<std::string, std::string>> files_;  // (temporary, destination)
};

}  // namespace halo
