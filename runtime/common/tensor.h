// tensor.h - tensor types and views shared by the compiler and the runtimes.
//
// A TensorType is what the compiler knows statically about a value (element type and
// dimensions); a TensorView adds a pointer to row-major, densely packed data. Shape rules
// work on types, kernels on views, so the compiler's shape inference, its constant folder
// and the reference runtime use the same functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dtype.h"

namespace halo::sem {

/// Marker for a dimension whose extent is not known at compile time.
inline constexpr int64_t kUnknownDim = -1;

/// Element type plus dimensions. An empty `dims` is a scalar (one element).
struct TensorType {
  DType dtype = DType::undefined;
  std::vector<int64_t> dims;

  bool present() const { return dtype != DType::undefined; }
  size_t rank() const { return dims.size(); }
  /// True when every dimension is known (>= 0).
  bool is_static() const;
  /// Number of elements, or -1 when a dimension is unknown or the count overflows.
  int64_t num_elements() const;
  /// Bytes of densely packed data, or -1 as for num_elements().
  int64_t num_bytes() const;
  bool operator==(const TensorType& o) const { return dtype == o.dtype && dims == o.dims; }
  bool operator!=(const TensorType& o) const { return !(*this == o); }
};

/// Renders a type as in the text IR, e.g. "f32[1,3,224,224]".
std::string to_string(const TensorType& t);

/// Renders dimensions joined by `sep`, e.g. "1x3x224x224".
std::string dims_to_string(const std::vector<int64_t>& dims, const char* sep = ",");

/// A typed pointer to packed row-major data. `data` is null for an absent operand.
struct TensorView {
  TensorType type;
  void* data = nullptr;

  template <typename T>
  T* as() const {
    return static_cast<T*>(data);
  }
  bool present() const { return type.present(); }
};

}  // namespace halo::sem
