// frontend.h - reading model files into HALO IR.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"

namespace halo {

/// Options that frontends apply while importing, because later shape rules need them:
/// unknown (symbolic) input dimensions get their values here.
struct ImportOptions {
  int64_t batch_size = 0;  ///< overrides dimension 0 of every input when > 0
  std::vector<std::pair<std::string, std::vector<int64_t>>> input_shapes;  ///< name -> dims
};

/// Reads an ONNX model: binary protobuf (.onnx) or ONNX's textual syntax (.onnxtxt,
/// .txt, or any file that does not parse as binary but looks like text).
Expected<std::unique_ptr<ir::Module>> import_onnx_file(const std::string& path, const ImportOptions& opts);

/// The same from memory; `source` names the model in diagnostics.
Expected<std::unique_ptr<ir::Module>> import_onnx_bytes(const uint8_t* data, size_t size, bool text,
                                                        const std::string& source, const ImportOptions& opts);

}  // namespace halo
