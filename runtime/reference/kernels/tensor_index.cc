// tensor_index.cc - ops driven by an index tensor: Gather, GatherElements, GatherND,
// ScatterElements, ScatterND and OneHot (shape rules and kernels).
//
// Indices are int32 or int64 operands (OneHot's may be any number type); a negative
// index counts from the end of its dimension, and an index outside [-n, n) is an error
// reported by the kernel (it is data, not known to the shape rule) - except in OneHot,
// whose definition turns it into a row of off values. Element data is only moved, so
// the kernels work on the storage type; only the Scatter reductions compute, on the
// element's real type.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

bool compatible(int64_t a, int64_t b) { return a == b || a == kUnknownDim || b == kUnknownDim; }

std::string check_index_type(const OpSchema& s, const TensorType& indices) {
  if (indices.dtype != DType::i32 && indices.dtype != DType::i64)
    return fail(s.name, "indices must be int32 or int64, got ", dtype_name(indices.dtype));
  return {};
}

// Element i of an int32/int64 index operand.
int64_t index_at(const TensorView& v, int64_t i) {
  return v.type.dtype == DType::i32 ? v.as<const int32_t>()[i] : v.as<const int64_t>()[i];
}

// Maps an index in [-n, n) to [0, n); false when out of range.
bool normalize_index(int64_t& idx, int64_t n) {
  if (idx < -n || idx >= n) return false;
  if (idx < 0) idx += n;
  return true;
}

std::string index_error(const OpSchema& s, int64_t idx, int64_t axis, int64_t extent) {
  return fail(s.name, "index ", idx, " is out of range for axis ", axis, " of extent ", extent);
}

// ---- Gather ---------------------------------------------------------------------------

std::string rule_gather(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType &data = in[0], &indices = in[1];
  if (std::string err = check_index_type(s, indices); !err.empty()) return err;
  auto rank = static_cast<int64_t>(data.rank());
  if (rank < 1) return fail(s.name, "data must have rank >= 1");
  int64_t axis = normalize_axis(a.get_int("axis"), rank);
  if (axis < 0) return fail(s.name, "axis ", a.get_int("axis"), " is out of range for rank ", rank);
  Dims y(data.dims.begin(), data.dims.begin() + axis);
  y.insert(y.end(), indices.dims.begin(), indices.dims.end());
  y.insert(y.end(), data.dims.begin() + axis + 1, data.dims.end());
  out = {TensorType{data.dtype, y}};
  return {};
}

template <typename T>
std::string apply_gather(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  auto axis = static_cast<size_t>(
      normalize_axis(args.attrs.get_int("axis"), static_cast<int64_t>(dx.size())));
  int64_t outer = product(dx, 0, axis), extent = dx[axis], inner = product(dx, axis + 1, dx.size());
  const TensorView& ind = args.in[1];
  int64_t count = ind.type.num_elements();
  std::vector<int64_t> idx(static_cast<size_t>(count));
  for (int64_t j = 0; j < count; ++j) {
    idx[j] = index_at(ind, j);
    if (!normalize_index(idx[j], extent))
      return index_error(args.schema, index_at(ind, j), static_cast<int64_t>(axis), extent);
  }
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < count; ++j) {
      const T* row = x + (o * extent + idx[j]) * inner;
      y = std::copy(row, row + inner, y);
    }
  return {};
}

// ---- GatherElements -------------------------------------------------------------------

// GatherElements and ScatterElements: indices of data's rank, no larger than data
// outside `axis`.
std::string check_elements_indices(const OpSchema& s, const TensorType& data,
                                   const TensorType& indices, int64_t axis_attr, int64_t& axis) {
  if (std::string err = check_index_type(s, indices); !err.empty()) return err;
  auto rank = static_cast<int64_t>(data.rank());
  if (rank < 1) return fail(s.name, "data must have rank >= 1");
  if (indices.rank() != data.rank())
    return fail(s.name, "indices ", show(indices.dims), " must have the rank of data ",
                show(data.dims));
  axis = normalize_axis(axis_attr, rank);
  if (axis < 0) return fail(s.name, "axis ", axis_attr, " is out of range for rank ", rank);
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && data.dims[d] != kUnknownDim && indices.dims[d] != kUnknownDim &&
        indices.dims[d] > data.dims[d])
      return fail(s.name, "indices ", show(indices.dims), " exceed data ", show(data.dims),
                  " in dimension ", d);
  return {};
}

std::string rule_gather_elements(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  int64_t axis = 0;
  std::string err = check_elements_indices(s, in[0], in[1], a.get_int("axis"), axis);
  if (!err.empty()) return err;
  out = {TensorType{in[0].dtype, in[1].dims}};
  return {};
}

template <typename T>
std::string apply_gather_elements(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &di = args.in[1].type.dims;
  auto axis = static_cast<size_t>(
      normalize_axis(args.attrs.get_int("axis"), static_cast<int64_t>(dx.size())));
  Dims strides = row_major_strides(dx);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  Dims index(di.size(), 0);
  int64_t k = 0;
  do {
    int64_t idx = index_at(args.in[1], k);
    if (!normalize_index(idx, dx[axis]))
      return index_error(args.schema, idx, static_cast<int64_t>(axis), dx[axis]);
    int64_t src = 0;
    for (size_t d = 0; d < dx.size(); ++d) src += (d == axis ? idx : index[d]) * strides[d];
    y[k++] = x[src];
  } while (next_index(index, di));
  return {};
}

// ---- GatherND -------------------------------------------------------------------------

std::string rule_gather_nd(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType &data = in[0], &indices = in[1];
  if (std::string err = check_index_type(s, indices); !err.empty()) return err;
  auto r = static_cast<int64_t>(data.rank()), q = static_cast<int64_t>(indices.rank());
  int64_t b = a.get_int("batch_dims");
  if (r < 1 || q < 1) return fail(s.name, "data and indices must have rank >= 1");
  if (b < 0 || b >= std::min(r, q))
    return fail(s.name, "batch_dims ", b, " must be in [0, min(rank(data), rank(indices)))");
  for (int64_t i = 0; i < b; ++i)
    if (!compatible(data.dims[i], indices.dims[i]))
      return fail(s.name, "batch dimension ", i, " differs: data ", show(data.dims), ", indices ",
                  show(indices.dims));
  int64_t k = indices.dims[q - 1];
  if (k == kUnknownDim) return fail(s.name, "the last dimension of indices must be known");
  if (k < 1 || k > r - b)
    return fail(s.name, "the last dimension of indices (", k, ") must be in [1, ", r - b, "]");
  Dims y(indices.dims.begin(), indices.dims.end() - 1);
  y.insert(y.end(), data.dims.begin() + b + k, data.dims.end());
  out = {TensorType{data.dtype, y}};
  return {};
}

template <typename T>
std::string apply_gather_nd(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &di = args.in[1].type.dims;
  auto b = static_cast<size_t>(args.attrs.get_int("batch_dims"));
  auto k = static_cast<size_t>(di.back());
  int64_t batches = product(dx, 0, b), slice = product(dx, b, dx.size());
  int64_t tuples = product(di, b, di.size() - 1), inner = product(dx, b + k, dx.size());
  Dims strides = row_major_strides(dx);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t bt = 0; bt < batches; ++bt)
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t src = bt * slice;
      for (size_t j = 0; j < k; ++j) {
        int64_t idx = index_at(args.in[1], (bt * tuples + t) * static_cast<int64_t>(k) + j);
        if (!normalize_index(idx, dx[b + j]))
          return index_error(args.schema, idx, static_cast<int64_t>(b + j), dx[b + j]);
        src += idx * strides[b + j];
      }
      y = std::copy(x + src, x + src + inner, y);
    }
  return {};
}

// ---- Scatter reductions ---------------------------------------------------------------

enum class Reduction { None, Add, Mul, Max, Min };

bool parse_reduction(const std::string& name, Reduction& r) {
  if (name == "none") r = Reduction::None;
  else if (name == "add") r = Reduction::Add;
  else if (name == "mul") r = Reduction::Mul;
  else if (name == "max") r = Reduction::Max;
  else if (name == "min") r = Reduction::Min;
  else return false;
  return true;
}

std::string check_reduction(const OpSchema& s, const AttrMap& a, DType t) {
  Reduction r;
  std::string name = a.get_string("reduction");
  if (!parse_reduction(name, r))
    return fail(s.name, "unknown reduction '", name, "' (expected none, add, mul, max or min)");
  if (r != Reduction::None &&
      (t == DType::boolean || t == DType::f16 || t == DType::bf16))
    return fail(s.name, "reduction '", name, "' is not implemented for element type ",
                dtype_name(t));
  return {};
}

// `old (reduction) update`; integers wrap (computed unsigned, at least unsigned int wide),
// max/min propagate NaN as NumPy's maximum/minimum.
template <typename T>
T reduce(Reduction r, T old, T update) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
    switch (r) {
      case Reduction::Add: return static_cast<T>(static_cast<U>(old) + static_cast<U>(update));
      case Reduction::Mul: return static_cast<T>(static_cast<U>(old) * static_cast<U>(update));
      case Reduction::Max: return std::max(old, update);
      case Reduction::Min: return std::min(old, update);
      default: return update;
    }
  } else {
    if ((r == Reduction::Max || r == Reduction::Min) && (std::isnan(old) || std::isnan(update)))
      return std::numeric_limits<T>::quiet_NaN();
    switch (r) {
      case Reduction::Add: return old + update;
      case Reduction::Mul: return old * update;
      case Reduction::Max: return std::max(old, update);
      case Reduction::Min: return std::min(old, update);
      default: return update;
    }
  }
}

// Storage types for reduction "none" (any element type), real types otherwise.
template <typename F>
std::string scatter_dispatch(const KernelArgs& args, F&& f) {
  Reduction r = Reduction::None;
  parse_reduction(args.attrs.get_string("reduction"), r);
  DType t = args.in[0].type.dtype;
  if (r == Reduction::None) return with_storage_type(args.schema, t, std::forward<F>(f));
  return with_numeric_dtype(args.schema, t, std::forward<F>(f));
}

// ---- ScatterElements ------------------------------------------------------------------

std::string rule_scatter_elements(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType &data = in[0], &indices = in[1], &updates = in[2];
  int64_t axis = 0;
  std::string err = check_elements_indices(s, data, indices, a.get_int("axis"), axis);
  if (!err.empty()) return err;
  if (updates.dtype != data.dtype)
    return fail(s.name, "updates has element type ", dtype_name(updates.dtype), ", data ",
                dtype_name(data.dtype));
  if (updates.dims != indices.dims)
    return fail(s.name, "updates ", show(updates.dims), " must have the shape of indices ",
                show(indices.dims));
  if (std::string e = check_reduction(s, a, data.dtype); !e.empty()) return e;
  out = {data};
  return {};
}

template <typename T>
std::string apply_scatter_elements(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &di = args.in[1].type.dims;
  auto axis = static_cast<size_t>(
      normalize_axis(args.attrs.get_int("axis"), static_cast<int64_t>(dx.size())));
  Reduction r = Reduction::None;
  parse_reduction(args.attrs.get_string("reduction"), r);
  Dims strides = row_major_strides(dx);
  const T* x = args.in[0].as<const T>();
  const T* u = args.in[2].as<const T>();
  T* y = args.out[0].as<T>();
  std::copy(x, x + args.in[0].type.num_elements(), y);
  if (args.in[1].type.num_elements() == 0) return {};
  Dims index(di.size(), 0);
  int64_t k = 0;
  do {
    int64_t idx = index_at(args.in[1], k);
    if (!normalize_index(idx, dx[axis]))
      return index_error(args.schema, idx, static_cast<int64_t>(axis), dx[axis]);
    int64_t dst = 0;
    for (size_t d = 0; d < dx.size(); ++d) dst += (d == axis ? idx : index[d]) * strides[d];
    y[dst] = reduce(r, y[dst], u[k]);  // (reduction none runs on storage types: a copy)
    ++k;
  } while (next_index(index, di));
  return {};
}

// ---- ScatterND ------------------------------------------------------------------------

std::string rule_scatter_nd(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType &data = in[0], &indices = in[1], &updates = in[2];
  if (std::string err = check_index_type(s, indices); !err.empty()) return err;
  auto r = static_cast<int64_t>(data.rank()), q = static_cast<int64_t>(indices.rank());
  if (r < 1 || q < 1) return fail(s.name, "data and indices must have rank >= 1");
  if (updates.dtype != data.dtype)
    return fail(s.name, "updates has element type ", dtype_name(updates.dtype), ", data ",
                dtype_name(data.dtype));
  int64_t k = indices.dims[q - 1];
  if (k == kUnknownDim) return fail(s.name, "the last dimension of indices must be known");
  if (k < 1 || k > r)
    return fail(s.name, "the last dimension of indices (", k, ") must be in [1, ", r, "]");
  Dims want(indices.dims.begin(), indices.dims.end() - 1);
  want.insert(want.end(), data.dims.begin() + k, data.dims.end());
  bool ok = want.size() == updates.rank();
  for (size_t i = 0; ok && i < want.size(); ++i) ok = compatible(want[i], updates.dims[i]);
  if (!ok)
    return fail(s.name, "updates ", show(updates.dims), " must have shape ", show(want));
  if (std::string e = check_reduction(s, a, data.dtype); !e.empty()) return e;
  out = {data};
  return {};
}

template <typename T>
std::string apply_scatter_nd(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &di = args.in[1].type.dims;
  auto k = static_cast<size_t>(di.back());
  int64_t tuples = product(di, 0, di.size() - 1), inner = product(dx, k, dx.size());
  Reduction r = Reduction::None;
  parse_reduction(args.attrs.get_string("reduction"), r);
  Dims strides = row_major_strides(dx);
  const T* x = args.in[0].as<const T>();
  const T* u = args.in[2].as<const T>();
  T* y = args.out[0].as<T>();
  std::copy(x, x + args.in[0].type.num_elements(), y);
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t dst = 0;
    for (size_t j = 0; j < k; ++j) {
      int64_t idx = index_at(args.in[1], t * static_cast<int64_t>(k) + j);
      if (!normalize_index(idx, dx[j]))
        return index_error(args.schema, idx, static_cast<int64_t>(j), dx[j]);
      dst += idx * strides[j];
    }
    for (int64_t i = 0; i < inner; ++i) y[dst + i] = reduce(r, y[dst + i], u[t * inner + i]);
  }
  return {};
}

// ---- OneHot ---------------------------------------------------------------------------

std::string rule_one_hot(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType &indices = in[0], &values = in[1];
  if (values.rank() != 1 || values.dims[0] != 2)
    return fail(s.name, "values must have shape [2] (off, on), got ", show(values.dims));
  int64_t depth = a.get_int("depth");
  if (depth < 1) return fail(s.name, "depth must be >= 1, got ", depth);
  auto rank = static_cast<int64_t>(indices.rank());
  int64_t axis = normalize_axis(a.get_int("axis"), rank + 1);
  if (axis < 0)
    return fail(s.name, "axis ", a.get_int("axis"), " is out of range for result rank ", rank + 1);
  Dims y = indices.dims;
  y.insert(y.begin() + axis, depth);
  out = {TensorType{values.dtype, y}};
  return {};
}

// The position of the on value for each index (negative ones count from depth), or -1
// for an index outside [-depth, depth) (a row of off values, as the ONNX definition says).
template <typename T>
std::vector<int64_t> one_hot_positions(const TensorView& ind, int64_t depth) {
  const T* p = ind.as<const T>();
  std::vector<int64_t> pos(static_cast<size_t>(ind.type.num_elements()), -1);
  for (size_t i = 0; i < pos.size(); ++i) {
    int64_t idx = 0;
    if constexpr (std::is_floating_point_v<T>) {
      double v = std::trunc(static_cast<double>(p[i]));  // float indices truncate (as a cast)
      if (!(v >= static_cast<double>(-depth) && v < static_cast<double>(depth))) continue;
      idx = static_cast<int64_t>(v);
    } else if constexpr (std::is_unsigned_v<T>) {
      if (static_cast<uint64_t>(p[i]) >= static_cast<uint64_t>(depth)) continue;
      idx = static_cast<int64_t>(p[i]);
    } else {
      idx = static_cast<int64_t>(p[i]);
    }
    if (normalize_index(idx, depth)) pos[i] = idx;
  }
  return pos;
}

template <typename V>
void one_hot_fill(const KernelArgs& args, const std::vector<int64_t>& pos, int64_t axis) {
  const Dims& di = args.in[0].type.dims;
  int64_t depth = args.attrs.get_int("depth");
  int64_t outer = product(di, 0, static_cast<size_t>(axis));
  int64_t inner = product(di, static_cast<size_t>(axis), di.size());
  const V* values = args.in[1].as<const V>();
  V* y = args.out[0].as<V>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t d = 0; d < depth; ++d)
      for (int64_t i = 0; i < inner; ++i) *y++ = values[pos[o * inner + i] == d ? 1 : 0];
}

}  // namespace

#define HALO_TENSOR_RULE(NAME)                                                                \
  std::string shape_tensor_##NAME(const OpSchema& s, Types in, const AttrMap& a, Outs& out) { \
    return rule_##NAME(s, in, a, out);                                                        \
  }
HALO_TENSOR_RULE(gather)
HALO_TENSOR_RULE(gather_elements)
HALO_TENSOR_RULE(gather_nd)
HALO_TENSOR_RULE(scatter_elements)
HALO_TENSOR_RULE(scatter_nd)
HALO_TENSOR_RULE(one_hot)
#undef HALO_TENSOR_RULE

std::string run_tensor_gather(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                           [&]<typename T>() { return apply_gather<T>(args); });
}

std::string run_tensor_gather_elements(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                           [&]<typename T>() { return apply_gather_elements<T>(args); });
}

std::string run_tensor_gather_nd(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                           [&]<typename T>() { return apply_gather_nd<T>(args); });
}

std::string run_tensor_scatter_elements(const KernelArgs& args) {
  return scatter_dispatch(args, [&]<typename T>() { return apply_scatter_elements<T>(args); });
}

std::string run_tensor_scatter_nd(const KernelArgs& args) {
  return scatter_dispatch(args, [&]<typename T>() { return apply_scatter_nd<T>(args); });
}

std::string run_tensor_one_hot(const KernelArgs& args) {
  int64_t depth = args.attrs.get_int("depth");
  int64_t axis = normalize_axis(args.attrs.get_int("axis"),
                                static_cast<int64_t>(args.in[0].type.rank()) + 1);
  std::vector<int64_t> pos;
  std::string err = with_numeric_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() {
    pos = one_hot_positions<T>(args.in[0], depth);
    return std::string();
  });
  if (!err.empty()) return err;
  // The values may be of any element type: only their bytes are copied.
  switch (dtype_size(args.in[1].type.dtype)) {
    case 1: one_hot_fill<uint8_t>(args, pos, axis); return {};
    case 2: one_hot_fill<uint16_t>(args, pos, axis); return {};
    case 4: one_hot_fill<uint32_t>(args, pos, axis); return {};
    case 8: one_hot_fill<uint64_t>(args, pos, axis); return {};
    default: return fail(args.name(), "values of element type ", dtype_name(args.in[1].type.dtype),
                         " are not supported");
  }
}

}  // namespace halo::sem::kernels
