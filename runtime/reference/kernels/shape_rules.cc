// shape_rules.cc - the shape rules named by the `shape` field of ops/ops.toml.
//
// A shape rule maps operand types and attributes to result types, or explains why the
// operands are invalid. Rules are shared by ops with the same shape behaviour (every
// elementwise binary op uses "broadcast"), so they are looked up by name rather than
// by op. Unknown extents (kUnknownDim) flow through: the compiler infers what it can
// and leaves the rest unknown; the kernels only ever see static shapes.
#include <algorithm>
#include <utility>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

// Two extents that may describe the same dimension (equal, or one is unknown).
bool compatible(int64_t a, int64_t b) { return a == b || a == kUnknownDim || b == kUnknownDim; }

std::string rule_same(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  out = {in[0]};
  return {};
}

std::string rule_broadcast(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  Dims dims;
  std::string why = broadcast_dims(in[0].dims, in[1].dims, dims);
  if (!why.empty()) return fail(s.name, why);
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

// NumPy matmul: 1-D operands are promoted to a matrix and the added dimension removed
// from the result; leading (batch) dimensions broadcast.
std::string rule_matmul(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  Dims a = in[0].dims, b = in[1].dims;
  if (a.empty() || b.empty()) return fail(s.name, "operands must have rank >= 1, not scalars");
  bool a_vector = a.size() == 1, b_vector = b.size() == 1;
  if (a_vector) a.insert(a.begin(), 1);
  if (b_vector) b.push_back(1);
  int64_t m = a[a.size() - 2], k = a.back(), k2 = b[b.size() - 2], n = b.back();
  if (!compatible(k, k2)) return fail(s.name, "inner dimensions ", k, " and ", k2, " differ");
  Dims batch;
  std::string why =
      broadcast_dims(Dims(a.begin(), a.end() - 2), Dims(b.begin(), b.end() - 2), batch);
  if (!why.empty()) return fail(s.name, "batch dimensions: ", why);
  if (!a_vector) batch.push_back(m);
  if (!b_vector) batch.push_back(n);
  out = {TensorType{in[0].dtype, batch}};
  return {};
}

std::string rule_gemm(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const Dims &a = in[0].dims, &b = in[1].dims;
  if (a.size() != 2 || b.size() != 2)
    return fail(s.name, "A and B must have rank 2, got ", show(a), " and ", show(b));
  bool ta = attrs.get_int("transA") != 0, tb = attrs.get_int("transB") != 0;
  int64_t m = a[ta ? 1 : 0], k = a[ta ? 0 : 1], k2 = b[tb ? 1 : 0], n = b[tb ? 0 : 1];
  if (!compatible(k, k2)) return fail(s.name, "inner dimensions ", k, " and ", k2, " differ");
  Dims y = {m, n};
  if (in.size() > 2 && in[2].present()) {
    // C broadcasts one way only: onto [M, N], never the result onto C.
    const Dims& c = in[2].dims;
    bool ok = c.size() <= 2;
    for (size_t i = 0; ok && i < c.size(); ++i)
      ok = c[i] == 1 || compatible(c[i], y[y.size() - c.size() + i]);
    if (!ok) return fail(s.name, "C of shape ", show(c), " does not broadcast to ", show(y));
  }
  out = {TensorType{in[0].dtype, y}};
  return {};
}

// X [N, C, spatial...] with 1-3 spatial dimensions, as Conv and the pools accept.
std::string check_spatial_rank(const OpSchema& s, const TensorType& x) {
  if (x.rank() < 3 || x.rank() > 5)
    return fail(s.name, "X must have rank 3, 4 or 5 (N, C and 1-3 spatial dimensions), got ",
                show(x.dims));
  return {};
}

// Output [N, channels, windowed spatial extents...].
std::string windowed_dims(const OpSchema& s, const TensorType& x, int64_t channels, const Window& w,
                          Outs& out) {
  Dims y = {x.dims[0], channels};
  for (size_t d = 0; d + 2 < x.rank(); ++d) {
    int64_t extent = 0;
    std::string err = window_output_dim(s.name, w, d, x.dims[d + 2], extent);
    if (!err.empty()) return err;
    y.push_back(extent);
  }
  out = {TensorType{x.dtype, y}};
  return {};
}

std::string rule_conv(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType &x = in[0], &w = in[1];
  if (std::string err = check_spatial_rank(s, x); !err.empty()) return err;
  if (w.rank() != x.rank())
    return fail(s.name, "W ", show(w.dims), " must have the rank of X ", show(x.dims));
  int64_t group = attrs.get_int("group", 1);
  if (group < 1) return fail(s.name, "group must be >= 1, got ", group);
  int64_t c = x.dims[1], m = w.dims[0], c_per_group = w.dims[1];
  int64_t expected_c = 0;  // W's channels per group times group, if that fits
  if (c != kUnknownDim && c_per_group != kUnknownDim &&
      (__builtin_mul_overflow(c_per_group, group, &expected_c) || c != expected_c))
    return fail(s.name, "X has ", c, " channels but W expects ", c_per_group, " per group x ",
                group, " groups");
  if (m != kUnknownDim && m % group != 0)
    return fail(s.name, "output channels ", m, " are not divisible by group ", group);
  if (in.size() > 2 && in[2].present() && (in[2].rank() != 1 || !compatible(in[2].dims[0], m)))
    return fail(s.name, "B must have shape [", m, "], got ", show(in[2].dims));
  Window win;
  Dims kernel(w.dims.begin() + 2, w.dims.end());
  if (std::string err = read_window(s.name, attrs, x.rank() - 2, kernel, false, win); !err.empty())
    return err;
  return windowed_dims(s, x, m, win, out);
}

std::string rule_pool(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType& x = in[0];
  if (std::string err = check_spatial_rank(s, x); !err.empty()) return err;
  Dims kernel = attrs.get_ints("kernel_shape");
  if (kernel.size() != x.rank() - 2)
    return fail(s.name, "kernel_shape has ", kernel.size(), " entries, expected ", x.rank() - 2);
  for (int64_t k : kernel)
    if (k < 1) return fail(s.name, "kernel_shape entries must be >= 1, got ", k);
  Window win;
  if (std::string err = read_window(s.name, attrs, x.rank() - 2, kernel, true, win); !err.empty())
    return err;
  return windowed_dims(s, x, x.dims[1], win, out);
}

std::string rule_global_pool(const OpSchema& s, Types in, const AttrMap&, Outs& out) {
  const TensorType& x = in[0];
  if (x.rank() < 3)
    return fail(s.name, "X must have rank >= 3 (N, C, spatial...), got ", show(x.dims));
  Dims y(x.rank(), 1);
  y[0] = x.dims[0];
  y[1] = x.dims[1];
  out = {TensorType{x.dtype, y}};
  return {};
}

// ONNX Reshape (allowzero = 0): 0 copies the input extent, one -1 is inferred.
std::string rule_reshape(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  if (!attrs.has("shape")) return fail(s.name, "the target shape is not known");
  const Dims& x = in[0].dims;
  Dims y = attrs.get_ints("shape");
  int64_t infer_at = -1;
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] == 0) {
      if (i >= x.size())
        return fail(s.name, "shape entry ", i, " is 0 but the input has rank ", x.size());
      y[i] = x[i];
    } else if (y[i] == -1) {
      if (infer_at >= 0)
        return fail(s.name, "shape ", show(attrs.get_ints("shape")), " has more than one -1");
      infer_at = static_cast<int64_t>(i);
    } else if (y[i] < -1) {
      return fail(s.name, "invalid shape entry ", y[i]);
    }
  }
  int64_t total = in[0].num_elements();
  if (infer_at >= 0) y[infer_at] = 1;  // placeholder while counting the known part
  int64_t known = TensorType{in[0].dtype, y}.num_elements();
  if (infer_at >= 0) {
    if (total < 0 || known < 0) {
      y[infer_at] = kUnknownDim;  // needs unknown input extents (or overflowed)
    } else if (known == 0 || total % known != 0) {
      return fail(s.name, "cannot reshape ", show(x), " to ", show(attrs.get_ints("shape")));
    } else {
      y[infer_at] = total / known;
    }
  } else if (total >= 0 && known >= 0 && total != known) {
    return fail(s.name, "cannot reshape ", show(x), " (", total, " elements) to ", show(y), " (",
                known, " elements)");
  }
  out = {TensorType{in[0].dtype, y}};
  return {};
}

std::string rule_transpose(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const Dims& x = in[0].dims;
  Dims perm = attrs.get_ints("perm");
  if (perm.empty())
    for (size_t i = x.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  if (perm.size() != x.size())
    return fail(s.name, "perm ", show(perm), " does not match the rank of ", show(x));
  Dims sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i))
      return fail(s.name, "perm ", show(perm), " is not a permutation of 0..", x.size() - 1);
  Dims y;
  for (int64_t p : perm) y.push_back(x[p]);
  out = {TensorType{in[0].dtype, y}};
  return {};
}

std::string rule_concat(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const Dims& first = in[0].dims;
  int64_t axis = normalize_axis(attrs.get_int("axis"), static_cast<int64_t>(first.size()));
  if (axis < 0)
    return fail(s.name, "axis ", attrs.get_int("axis"), " is out of range for rank ", first.size());
  Dims y = first;
  for (size_t i = 1; i < in.size(); ++i) {
    const Dims& d = in[i].dims;
    bool ok = d.size() == first.size();
    for (size_t j = 0; ok && j < d.size(); ++j)
      ok = static_cast<int64_t>(j) == axis || compatible(d[j], y[j]);
    if (!ok)
      return fail(s.name, "operand ", i, " of shape ", show(d), " does not match ", show(first),
                  " outside axis ", axis);
    for (size_t j = 0; j < d.size(); ++j)
      if (static_cast<int64_t>(j) != axis && y[j] == kUnknownDim) y[j] = d[j];
    if (y[axis] == kUnknownDim || d[axis] == kUnknownDim)
      y[axis] = kUnknownDim;
    else if (__builtin_add_overflow(y[axis], d[axis], &y[axis]))
      return fail(s.name, "the joined extent along axis ", axis, " overflows int64");
  }
  out = {TensorType{in[0].dtype, y}};
  return {};
}

}  // namespace

// The rules by the names ops.toml uses; the generated dispatch (kernel_dispatch.inc) calls
// shape_<rule>. "first" is "same" under the name that says what it means for ops with
// several operands (BatchNormalization: the type of X).
#define HALO_SHAPE_RULE(NAME, FN) \
  std::string shape_##NAME(const OpSchema& s, Types in, const AttrMap& a, Outs& out) { return FN(s, in, a, out); }
HALO_SHAPE_RULE(same, rule_same)
HALO_SHAPE_RULE(first, rule_same)
HALO_SHAPE_RULE(broadcast, rule_broadcast)
HALO_SHAPE_RULE(matmul, rule_matmul)
HALO_SHAPE_RULE(gemm, rule_gemm)
HALO_SHAPE_RULE(conv, rule_conv)
HALO_SHAPE_RULE(pool, rule_pool)
HALO_SHAPE_RULE(global_pool, rule_global_pool)
HALO_SHAPE_RULE(reshape, rule_reshape)
HALO_SHAPE_RULE(transpose, rule_transpose)
HALO_SHAPE_RULE(concat, rule_concat)
#undef HALO_SHAPE_RULE

}  // namespace halo::sem::kernels
