// tensor.cc - ops that select, repeat or rearrange elements by position: Expand, Slice,
// Tile, Pad, DepthToSpace, SpaceToDepth, Trilu, Compress (shape rules and kernels).
//
// None of them computes on element values, so every kernel is written once over an
// unsigned type of the element's size (with_storage_type) and walks the result in
// row-major order, reading each element from the source position the op's definition
// gives. The shape rules validate everything the kernels rely on (ranks, attribute
// lengths, ranges), so the kernels are plain loops. The index ops (Gather*, Scatter*,
// OneHot) are in tensor_index.cc, Einsum in tensor_einsum.cc.
#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

// ---- Expand ---------------------------------------------------------------------------

std::string rule_expand(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  Dims shape = a.get_ints("shape");
  for (int64_t d : shape)
    if (d < 0) return fail(s.name, "shape ", show(shape), " has a negative entry");
  Dims y;
  std::string why = broadcast_dims(in[0].dims, shape, y);
  if (!why.empty()) return fail(s.name, why);
  out = {TensorType{in[0].dtype, y}};
  return {};
}

template <typename T>
std::string apply_expand(const KernelArgs& args) {
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  BroadcastIndexer index(args.in[0].type.dims, args.out[0].type.dims);
  int64_t n = args.out[0].type.num_elements();
  for (int64_t i = 0; i < n; ++i) y[i] = x[index(i)];
  return {};
}

// ---- Slice ----------------------------------------------------------------------------

// What Slice takes from one dimension: `count` elements from `start` by `step`.
struct SliceAxis {
  int64_t start = 0, step = 1, count = 0;
};

// ONNX Slice (opset 13): negative starts/ends count from the end; with a positive step
// both are clamped to [0, dim], with a negative step start to [0, dim-1] and end to
// [-1, dim-1]. Unsliced dimensions are taken whole. An unknown extent on a sliced axis
// gives an unknown count.
std::string slice_plan(const OpSchema& s, const Dims& x, const AttrMap& a,
                       std::vector<SliceAxis>& plan) {
  Dims starts = a.get_ints("starts"), ends = a.get_ints("ends");
  Dims axes = a.get_ints("axes"), steps = a.get_ints("steps");
  auto rank = static_cast<int64_t>(x.size());
  if (starts.size() != ends.size())
    return fail(s.name, "starts has ", starts.size(), " entries but ends has ", ends.size());
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    return fail(s.name, "starts, ends, axes and steps must have the same length, got ",
                starts.size(), ", ", ends.size(), ", ", axes.size(), " and ", steps.size());
  plan.assign(x.size(), SliceAxis{});
  for (size_t d = 0; d < x.size(); ++d) plan[d].count = x[d];
  std::vector<bool> seen(x.size(), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = normalize_axis(axes[i], rank);
    if (axis < 0) return fail(s.name, "axis ", axes[i], " is out of range for rank ", rank);
    if (seen[axis]) return fail(s.name, "axis ", axes[i], " is given more than once");
    seen[axis] = true;
    int64_t step = steps[i];
    if (step == 0) return fail(s.name, "steps must not be 0");
    int64_t dim = x[axis];
    SliceAxis& p = plan[axis];
    p.step = step;
    if (dim == kUnknownDim) {
      p.count = kUnknownDim;
      continue;
    }
    int64_t start = starts[i], end = ends[i];
    if (start < 0) start += dim;  // no overflow: start < 0 <= dim
    if (end < 0) end += dim;
    if (dim == 0) {
      p.count = 0;
    } else if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      p.start = start;
      p.count = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      int64_t magnitude = step == std::numeric_limits<int64_t>::min()
                              ? std::numeric_limits<int64_t>::max()
                              : -step;
      p.start = start;
      p.count = start > end ? (start - end - 1) / magnitude + 1 : 0;
    }
  }
  return {};
}

std::string rule_slice(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  std::vector<SliceAxis> plan;
  if (std::string err = slice_plan(s, in[0].dims, a, plan); !err.empty()) return err;
  Dims y;
  for (const SliceAxis& p : plan) y.push_back(p.count);
  out = {TensorType{in[0].dtype, y}};
  return {};
}

template <typename T>
std::string apply_slice(const KernelArgs& args) {
  std::vector<SliceAxis> plan;
  if (std::string err = slice_plan(args.schema, args.in[0].type.dims, args.attrs, plan);
      !err.empty())
    return err;
  const Dims& dy = args.out[0].type.dims;
  Dims strides = row_major_strides(args.in[0].type.dims);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  Dims index(dy.size(), 0);
  int64_t k = 0;
  do {
    int64_t src = 0;
    for (size_t d = 0; d < dy.size(); ++d)
      src += (plan[d].start + index[d] * plan[d].step) * strides[d];
    y[k++] = x[src];
  } while (next_index(index, dy));
  return {};
}

// ---- Tile -----------------------------------------------------------------------------

std::string rule_tile(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const Dims& x = in[0].dims;
  Dims repeats = a.get_ints("repeats");
  if (repeats.size() != x.size())
    return fail(s.name, "repeats has ", repeats.size(), " entries, expected one per dimension (",
                x.size(), ")");
  Dims y(x.size());
  for (size_t d = 0; d < x.size(); ++d) {
    if (repeats[d] < 0) return fail(s.name, "repeats must be >= 0, got ", repeats[d]);
    if (x[d] == kUnknownDim)
      y[d] = repeats[d] == 0 ? 0 : kUnknownDim;
    else if (__builtin_mul_overflow(x[d], repeats[d], &y[d]))
      return fail(s.name, "the result extent of dimension ", d, " overflows int64");
  }
  out = {TensorType{in[0].dtype, y}};
  return {};
}

template <typename T>
std::string apply_tile(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dy = args.out[0].type.dims;
  Dims strides = row_major_strides(dx);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  Dims index(dy.size(), 0);
  int64_t k = 0;
  do {
    int64_t src = 0;
    for (size_t d = 0; d < dy.size(); ++d) src += (index[d] % dx[d]) * strides[d];
    y[k++] = x[src];
  } while (next_index(index, dy));
  return {};
}

// ---- Pad ------------------------------------------------------------------------------

enum class PadMode { Constant, Reflect, Edge, Wrap };

bool pad_mode(const std::string& name, PadMode& mode) {
  if (name == "constant") mode = PadMode::Constant;
  else if (name == "reflect") mode = PadMode::Reflect;
  else if (name == "edge") mode = PadMode::Edge;
  else if (name == "wrap") mode = PadMode::Wrap;
  else return false;
  return true;
}

std::string rule_pad(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const Dims& x = in[0].dims;
  Dims pads = a.get_ints("pads");
  PadMode mode;
  if (!pad_mode(a.get_string("mode"), mode))
    return fail(s.name, "unknown mode '", a.get_string("mode"),
                "' (expected constant, reflect, edge or wrap)");
  if (pads.size() != 2 * x.size())
    return fail(s.name, "pads has ", pads.size(), " entries, expected 2 x rank = ", 2 * x.size());
  if (in.size() > 1 && in[1].present() && in[1].num_elements() != 1)
    return fail(s.name, "constant_value must have one element, got shape ", show(in[1].dims));
  Dims y(x.size());
  for (size_t d = 0; d < x.size(); ++d) {
    int64_t begin = pads[d], end = pads[d + x.size()];
    if (x[d] == kUnknownDim) {
      y[d] = kUnknownDim;
      continue;
    }
    // A negative pad crops, but never more than the dimension holds.
    if (begin < -x[d] || end < -x[d])
      return fail(s.name, "pads ", begin, " and ", end, " crop more than the ", x[d],
                  " elements of dimension ", d);
    if (__builtin_add_overflow(x[d], begin, &y[d]) || __builtin_add_overflow(y[d], end, &y[d]))
      return fail(s.name, "the padded extent of dimension ", d, " overflows int64");
    if (y[d] < 0)
      return fail(s.name, "pads ", begin, " and ", end, " remove more than the ", x[d],
                  " elements of dimension ", d);
    if (mode != PadMode::Constant && x[d] == 0 && y[d] > 0)
      return fail(s.name, "mode '", a.get_string("mode"), "' cannot pad the empty dimension ", d);
  }
  out = {TensorType{in[0].dtype, y}};
  return {};
}

// The source coordinate for result coordinate `c - begin` in a dimension of extent n > 0,
// or -1 for the constant value.
int64_t pad_source(PadMode mode, int64_t c, int64_t n) {
  if (c >= 0 && c < n) return c;
  switch (mode) {
    case PadMode::Constant:
      return -1;
    case PadMode::Edge:
      return c < 0 ? 0 : n - 1;
    case PadMode::Wrap:
      return ((c % n) + n) % n;
    case PadMode::Reflect: {
      // Mirror without repeating the edge: period 2(n-1), as NumPy's "reflect".
      if (n == 1) return 0;
      int64_t period = 2 * (n - 1);
      int64_t m = ((c % period) + period) % period;
      return m < n ? m : period - m;
    }
  }
  return -1;
}

template <typename T>
std::string apply_pad(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dy = args.out[0].type.dims;
  Dims pads = args.attrs.get_ints("pads");
  PadMode mode = PadMode::Constant;
  pad_mode(args.attrs.get_string("mode"), mode);
  T value{};  // all-zero bits: 0, 0.0 or false in every element type
  if (args.has(1)) std::memcpy(&value, args.in[1].data, sizeof(T));
  Dims strides = row_major_strides(dx);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  Dims index(dy.size(), 0);
  int64_t k = 0;
  do {
    int64_t src = 0;
    bool inside = true;
    for (size_t d = 0; d < dy.size() && inside; ++d) {
      int64_t c = pad_source(mode, index[d] - pads[d], dx[d]);
      inside = c >= 0;
      src += c * strides[d];
    }
    y[k++] = inside ? x[src] : value;
  } while (next_index(index, dy));
  return {};
}

// ---- DepthToSpace, SpaceToDepth --------------------------------------------------------

std::string check_nchw_block(const OpSchema& s, const TensorType& x, const AttrMap& a,
                             int64_t& bs) {
  if (x.rank() != 4) return fail(s.name, "input must have rank 4 (NCHW), got ", show(x.dims));
  bs = a.get_int("blocksize");
  if (bs < 1) return fail(s.name, "blocksize must be >= 1, got ", bs);
  return {};
}

std::string rule_depth_to_space(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType& x = in[0];
  int64_t bs = 0, area = 0;
  if (std::string err = check_nchw_block(s, x, a, bs); !err.empty()) return err;
  std::string mode = a.get_string("mode");
  if (mode != "DCR" && mode != "CRD")
    return fail(s.name, "mode must be DCR or CRD, got '", mode, "'");
  if (__builtin_mul_overflow(bs, bs, &area)) return fail(s.name, "blocksize ", bs, " is too large");
  Dims y = x.dims;
  if (y[1] != kUnknownDim) {
    if (y[1] % area != 0)
      return fail(s.name, "channels ", y[1], " are not divisible by blocksize^2 = ", area);
    y[1] /= area;
  }
  for (size_t d = 2; d < 4; ++d)
    if (y[d] != kUnknownDim && __builtin_mul_overflow(y[d], bs, &y[d]))
      return fail(s.name, "the result extent overflows int64");
  out = {TensorType{x.dtype, y}};
  return {};
}

template <typename T>
std::string apply_depth_to_space(const KernelArgs& args) {
  const Dims& dy = args.out[0].type.dims;
  const Dims& dx = args.in[0].type.dims;
  int64_t bs = args.attrs.get_int("blocksize");
  bool dcr = args.attrs.get_string("mode") == "DCR";
  int64_t c_out = dy[1], h_in = dx[2], w_in = dx[3];
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t k = 0;
  for (int64_t n = 0; n < dy[0]; ++n)
    for (int64_t c = 0; c < c_out; ++c)
      for (int64_t row = 0; row < dy[2]; ++row)
        for (int64_t col = 0; col < dy[3]; ++col) {
          int64_t i = row % bs, j = col % bs;
          int64_t src_c = dcr ? (i * bs + j) * c_out + c : (c * bs + i) * bs + j;
          y[k++] = x[((n * dx[1] + src_c) * h_in + row / bs) * w_in + col / bs];
        }
  return {};
}

std::string rule_space_to_depth(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const TensorType& x = in[0];
  int64_t bs = 0, area = 0;
  if (std::string err = check_nchw_block(s, x, a, bs); !err.empty()) return err;
  if (__builtin_mul_overflow(bs, bs, &area)) return fail(s.name, "blocksize ", bs, " is too large");
  Dims y = x.dims;
  for (size_t d = 2; d < 4; ++d) {
    if (y[d] == kUnknownDim) continue;
    if (y[d] % bs != 0)
      return fail(s.name, "spatial extent ", y[d], " is not divisible by blocksize ", bs);
    y[d] /= bs;
  }
  if (y[1] != kUnknownDim && __builtin_mul_overflow(y[1], area, &y[1]))
    return fail(s.name, "the result extent overflows int64");
  out = {TensorType{x.dtype, y}};
  return {};
}

template <typename T>
std::string apply_space_to_depth(const KernelArgs& args) {
  const Dims& dy = args.out[0].type.dims;
  const Dims& dx = args.in[0].type.dims;
  int64_t bs = args.attrs.get_int("blocksize");
  int64_t c_in = dx[1];
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t k = 0;
  for (int64_t n = 0; n < dy[0]; ++n)
    for (int64_t c = 0; c < dy[1]; ++c) {
      // Result channel (i * bs + j) * C + src_c holds block offset (i, j) of channel src_c.
      int64_t src_c = c % c_in, block = c / c_in, i = block / bs, j = block % bs;
      for (int64_t row = 0; row < dy[2]; ++row)
        for (int64_t col = 0; col < dy[3]; ++col)
          y[k++] = x[((n * c_in + src_c) * dx[2] + row * bs + i) * dx[3] + col * bs + j];
    }
  return {};
}

// ---- Trilu ----------------------------------------------------------------------------

std::string rule_trilu(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  if (in[0].rank() < 2) return fail(s.name, "input must have rank >= 2, got ", show(in[0].dims));
  out = {in[0]};
  return {};
}

template <typename T>
std::string apply_trilu(const KernelArgs& args) {
  const Dims& d = args.in[0].type.dims;
  int64_t rows = d[d.size() - 2], cols = d.back();
  int64_t batch = product(d, 0, d.size() - 2);
  bool upper = args.attrs.get_int("upper") != 0;
  int64_t k = args.attrs.get_int("k");
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t p = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j, ++p) {
        bool keep = upper ? j - i >= k : j - i <= k;  // j - i is small: no overflow
        y[p] = keep ? x[p] : T{};
      }
  return {};
}

// ---- Compress -------------------------------------------------------------------------

std::string rule_compress(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  const Dims& x = in[0].dims;
  int64_t axis = normalize_axis(a.get_int("axis"), static_cast<int64_t>(x.size()));
  if (axis < 0)
    return fail(s.name, "axis ", a.get_int("axis"), " is out of range for rank ", x.size());
  Dims cond = a.get_ints("condition");
  int64_t extent = x[axis], kept = 0;
  for (size_t i = 0; i < cond.size(); ++i) {
    if (cond[i] == 0) continue;
    if (extent != kUnknownDim && static_cast<int64_t>(i) >= extent)
      return fail(s.name, "condition selects index ", i, " but axis ", axis, " has extent ",
                  extent);
    ++kept;
  }
  Dims y = x;
  y[axis] = kept;
  out = {TensorType{in[0].dtype, y}};
  return {};
}

template <typename T>
std::string apply_compress(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  auto axis = static_cast<size_t>(
      normalize_axis(args.attrs.get_int("axis"), static_cast<int64_t>(dx.size())));
  Dims cond = args.attrs.get_ints("condition");
  int64_t outer = product(dx, 0, axis), inner = product(dx, axis + 1, dx.size());
  int64_t extent = dx[axis];
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < extent && i < static_cast<int64_t>(cond.size()); ++i) {
      if (cond[i] == 0) continue;
      const T* row = x + (o * extent + i) * inner;
      y = std::copy(row, row + inner, y);
    }
  return {};
}

// Runs apply<T> for the storage type of operand 0.
template <typename F>
std::string by_storage(const KernelArgs& args, F&& f) {
  return with_storage_type(args.schema, args.in[0].type.dtype, std::forward<F>(f));
}

}  // namespace

#define HALO_TENSOR_RULE(NAME)                                                           \
  std::string shape_tensor_##NAME(const OpSchema& s, Types in, const AttrMap& a, Outs& out) { \
    return rule_##NAME(s, in, a, out);                                                   \
  }
HALO_TENSOR_RULE(expand)
HALO_TENSOR_RULE(slice)
HALO_TENSOR_RULE(tile)
HALO_TENSOR_RULE(pad)
HALO_TENSOR_RULE(depth_to_space)
HALO_TENSOR_RULE(space_to_depth)
HALO_TENSOR_RULE(trilu)
HALO_TENSOR_RULE(compress)
#undef HALO_TENSOR_RULE

#define HALO_TENSOR_KERNEL(NAME)                                                 \
  std::string run_tensor_##NAME(const KernelArgs& args) {                        \
    return by_storage(args, [&]<typename T>() { return apply_##NAME<T>(args); }); \
  }
HALO_TENSOR_KERNEL(expand)
HALO_TENSOR_KERNEL(slice)
HALO_TENSOR_KERNEL(tile)
HALO_TENSOR_KERNEL(pad)
HALO_TENSOR_KERNEL(depth_to_space)
HALO_TENSOR_KERNEL(space_to_depth)
HALO_TENSOR_KERNEL(trilu)
HALO_TENSOR_KERNEL(compress)
#undef HALO_TENSOR_KERNEL

}  // namespace halo::sem::kernels
