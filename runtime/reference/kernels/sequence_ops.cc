// sequence_ops.cc - the sequence family (ops/sequence_ops.toml): ReverseSequence and
// TensorScatter, ops that move elements along a sequence axis. Both only move elements,
// so they are written once per element size (with_storage_type). The lengths and write
// positions are data: they are checked when the kernel runs, and a bad one is an error,
// never an out-of-bounds access.
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

bool is_index_type(DType t) { return t == DType::i32 || t == DType::i64; }

int64_t index_at(const TensorView& v, int64_t i) {
  return v.type.dtype == DType::i32 ? int64_t{v.as<const int32_t>()[i]} : v.as<const int64_t>()[i];
}

// ---- ReverseSequence ----------------------------------------------------------------------

template <typename T>
std::string reverse_sequence(const KernelArgs& args) {
  const Dims& dims = args.in[0].type.dims;
  auto batch_axis = static_cast<size_t>(args.attrs.get_int("batch_axis", 1));
  auto time_axis = static_cast<size_t>(args.attrs.get_int("time_axis", 0));
  int64_t steps = dims[time_axis];
  int64_t batch = dims[batch_axis];
  for (int64_t b = 0; b < batch; ++b) {
    int64_t len = index_at(args.in[1], b);
    if (len < 0 || len > steps)
      return fail(args.name(), "sequence_lens[", b, "] = ", len, " is outside [0, ", steps, "]");
  }
  Dims strides = row_major_strides(dims);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  Dims index(dims.size(), 0);
  int64_t k = 0;
  do {
    int64_t len = index_at(args.in[1], index[batch_axis]);
    int64_t t = index[time_axis];
    int64_t src = k;
    // Within the first len steps, step t comes from step len - 1 - t.
    if (t < len) src = k + (len - 1 - 2 * t) * strides[time_axis];
    y[k++] = x[src];
  } while (next_index(index, dims));
  return {};
}

// ---- TensorScatter ------------------------------------------------------------------------

template <typename T>
std::string tensor_scatter(const KernelArgs& args) {
  const Dims& cache = args.in[0].type.dims;
  const Dims& update = args.in[1].type.dims;
  auto axis = static_cast<size_t>(normalize_axis(args.attrs.get_int("axis", -2), static_cast<int64_t>(cache.size())));
  bool circular = args.attrs.get_string("mode", "linear") == "circular";
  int64_t batch = cache[0];
  int64_t max_len = cache[axis], len = update[axis];
  int64_t prefix = product(cache, 0, axis);      // index over dims before the axis
  int64_t per_batch = prefix / batch;            // dims 1 .. axis-1
  int64_t inner = product(cache, axis + 1, cache.size());
  std::vector<int64_t> start(static_cast<size_t>(batch), 0);
  if (args.has(2)) {
    for (int64_t b = 0; b < batch; ++b) {
      start[static_cast<size_t>(b)] = index_at(args.in[2], b);
      int64_t s = start[static_cast<size_t>(b)];
      if (s < 0 || s >= max_len || (!circular && s + len > max_len))
        return fail(args.name(), "write_indices[", b, "] = ", s, " does not fit ", len, " steps in ", max_len,
                    circular ? "" : " (mode linear)");
    }
  }
  const T* past = args.in[0].as<const T>();
  const T* upd = args.in[1].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t total = args.out[0].type.num_elements();
  for (int64_t i = 0; i < total; ++i) y[i] = past[i];
  for (int64_t p = 0; p < prefix; ++p) {
    int64_t s0 = start[static_cast<size_t>(p / per_batch)];
    for (int64_t t = 0; t < len; ++t) {
      int64_t dst = (s0 + t) % max_len;
      for (int64_t i = 0; i < inner; ++i) y[(p * max_len + dst) * inner + i] = upd[(p * len + t) * inner + i];
    }
  }
  return {};
}

}  // namespace

// The input's type; batch_axis and time_axis are 0 and 1 in some order, sequence_lens
// is an int32/int64 vector of the batch extent.
std::string shape_sequence_reverse(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                                   std::vector<TensorType>& out) {
  const TensorType& x = in[0];
  const TensorType& lens = in[1];
  if (x.dims.size() < 2) return fail(s.name, "input must have rank >= 2, got ", show(x.dims));
  int64_t b = a.get_int("batch_axis", 1), t = a.get_int("time_axis", 0);
  if (!((b == 0 && t == 1) || (b == 1 && t == 0)))
    return fail(s.name, "batch_axis and time_axis must be 0 and 1 in some order, got ", b, " and ", t);
  if (!is_index_type(lens.dtype) || lens.dims.size() != 1)
    return fail(s.name, "sequence_lens must be an int32 or int64 vector, got ", to_string(lens));
  int64_t batch = x.dims[static_cast<size_t>(b)];
  if (batch >= 0 && lens.dims[0] >= 0 && lens.dims[0] != batch)
    return fail(s.name, "sequence_lens has ", lens.dims[0], " entries, the batch axis ", batch);
  out = {x};
  return {};
}

// past_cache's type; update has its shape except along axis (no longer), write_indices
// is an int32/int64 vector of the batch extent (dimension 0).
std::string shape_sequence_tensor_scatter(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                                          std::vector<TensorType>& out) {
  const TensorType& cache = in[0];
  const TensorType& update = in[1];
  auto rank = static_cast<int64_t>(cache.dims.size());
  if (rank < 2) return fail(s.name, "past_cache must have rank >= 2, got ", show(cache.dims));
  for (int64_t d : cache.dims)
    if (d < 0) return fail(s.name, "past_cache must have a static shape, got ", show(cache.dims));
  if (update.dtype != cache.dtype)
    return fail(s.name, "update has element type ", dtype_name(update.dtype), ", past_cache ", dtype_name(cache.dtype));
  std::string mode = a.get_string("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return fail(s.name, "mode must be linear or circular, got '", mode, "'");
  int64_t axis = normalize_axis(a.get_int("axis", -2), rank);
  if (axis < 1) return fail(s.name, "axis ", a.get_int("axis", -2), " must be a sequence axis after the batch axis 0");
  if (static_cast<int64_t>(update.dims.size()) != rank)
    return fail(s.name, "update ", show(update.dims), " must have the rank of past_cache ", show(cache.dims));
  for (int64_t d = 0; d < rank; ++d) {
    int64_t u = update.dims[static_cast<size_t>(d)], c = cache.dims[static_cast<size_t>(d)];
    if (d == axis ? (u < 0 || u > c) : u != c)
      return fail(s.name, "update ", show(update.dims), " does not fit past_cache ", show(cache.dims), " along axis ",
                  axis);
  }
  if (in.size() > 2 && in[2].present()) {
    const TensorType& w = in[2];
    if (!is_index_type(w.dtype) || w.dims.size() != 1 || w.dims[0] != cache.dims[0])
      return fail(s.name, "write_indices must be an int32 or int64 vector of ", cache.dims[0], " entries, got ",
                  to_string(w));
  }
  out = {cache};
  return {};
}

std::string run_sequence_reverse(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                           [&]<typename T>() { return reverse_sequence<T>(args); });
}

std::string run_sequence_tensor_scatter(const KernelArgs& args) {
  return with_storage_type(args.schema, args.in[0].type.dtype,
                           [&]<typename T>() { return tensor_scatter<T>(args); });
}

}  // namespace halo::sem::kernels
