// tensor_proto.h - decoding ONNX tensors.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"
#include "onnx/onnx_pb.h"

namespace halo::onnx_import {

struct TensorData {
  ir::TensorType type;
  std::shared_ptr<std::vector<uint8_t>> data;
};

/// The IR element type of an ONNX TensorProto::DataType, if supported.
std::optional<ir::DType> dtype_from_onnx(int32_t t);

/// Decodes a tensor, checking its byte size against its shape; `where` prefixes errors.
/// External data is read from below `model_dir` (the model file's folder; empty: the
/// current directory).
Expected<TensorData> read_tensor(const onnx::TensorProto& t, const std::string& where,
                                 const std::string& model_dir = {});

}  // namespace halo::onnx_import
