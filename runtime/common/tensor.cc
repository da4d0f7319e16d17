// tensor.cc - element counts and printing of tensor types.
#include "tensor.h"

namespace halo::sem {

bool TensorType::is_static() const {
  for (int64_t d : dims)
    if (d < 0) return false;
  return true;
}

int64_t TensorType::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return -1;
    if (d != 0 && n > INT64_MAX / d) return -1;
    n *= d;
  }
  return n;
}

int64_t TensorType::num_bytes() const {
  int64_t n = num_elements();
  auto size = static_cast<int64_t>(dtype_size(dtype));
  if (n < 0 || (size != 0 && n > INT64_MAX / size)) return -1;
  return n * size;
}

std::string dims_to_string(const std::vector<int64_t>& dims, const char* sep) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += sep;
    s += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return s;
}

std::string to_string(const TensorType& t) {
  return std::string(dtype_name(t.dtype)) + "[" + dims_to_string(t.dims) + "]";
}

}  // namespace halo::sem
