// indexing.cc - strides, multi-indices, axes and NumPy broadcasting.
//
// Several families walk tensors by multi-index or broadcast one operand against a
// result shape (binary ops, MatMul's batch dimensions, Gemm's C). These helpers are
// written once here so each kernel reads as the textbook loop it implements. The typed
// dispatch's table look-up lives here too, next to the other shared plumbing.
#include <algorithm>

#include "kernels.h"

namespace halo::sem::kernels {

bool schema_lists_dtype(const OpSchema& schema, DType t) {
  return std::find(schema.dtypes.begin(), schema.dtypes.end(), t) != schema.dtypes.end();
}

std::string dtype_not_implemented(const OpSchema& schema, DType t) {
  return fail(schema.name, "element type ", dtype_name(t),
              " not implemented by the reference kernel");
}

std::string show(const Dims& dims) {
  // Appended piecewise: GCC 12 mis-warns (-Wrestrict) on "[" + std::string.
  std::string s = "[";
  s += dims_to_string(dims);
  s += ']';
  return s;
}

Dims row_major_strides(const Dims& dims) {
  Dims strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

int64_t product(const Dims& dims, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n *= dims[i];
  return n;
}

bool next_index(Dims& index, const Dims& extents) {
  for (size_t i = index.size(); i-- > 0;) {
    if (++index[i] < extents[i]) return true;
    index[i] = 0;
  }
  return false;
}

int64_t normalize_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return -1;
  return axis < 0 ? axis + rank : axis;
}

std::string broadcast_dims(const Dims& a, const Dims& b, Dims& result) {
  // Align trailing dimensions; a missing leading dimension behaves as 1.
  size_t rank = std::max(a.size(), b.size());
  result.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == 1) {
      result[i] = y;
    } else if (y == 1) {
      result[i] = x;
    } else if (x == kUnknownDim || y == kUnknownDim || x == y) {
      // An unknown extent facing a known one other than 1 must equal it to be valid.
      result[i] = x == kUnknownDim ? y : x;
    } else {
      return "shapes " + show(a) + " and " + show(b) + " cannot be broadcast";
    }
  }
  return {};
}

BroadcastIndexer::BroadcastIndexer(const Dims& operand_dims, const Dims& result_dims)
    : result_dims_(result_dims), strides_(result_dims.size(), 0) {
  Dims own = row_major_strides(operand_dims);
  size_t offset = result_dims.size() - operand_dims.size();
  for (size_t i = 0; i < operand_dims.size(); ++i)
    strides_[offset + i] = operand_dims[i] == 1 ? 0 : own[i];
}

int64_t BroadcastIndexer::operator()(int64_t result_index) const {
  int64_t operand_index = 0;
  for (size_t i = result_dims_.size(); i-- > 0;) {
    int64_t coord = result_index % result_dims_[i];
    result_index /= result_dims_[i];
    operand_index += coord * strides_[i];
  }
  return operand_index;
}

}  // namespace halo::sem::kernels
