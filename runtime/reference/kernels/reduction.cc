// reduction.cc - reductions over axes (ReduceSum, ReduceMean, ReduceMax, ReduceMin,
// ReduceProd, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare),
// ArgMax/ArgMin, CumSum, LogSoftmax and Hardmax, with their shape rules.
//
// Reduce*: every input element is added into the accumulator of the result element it
// maps to (reduced dimensions get output stride 0), then each accumulator is finished
// (mean divides, L2 takes the root, ...). Floats accumulate in double and round once;
// integers accumulate exactly in 64-bit unsigned arithmetic, so results wrap modulo the
// element width as the element type's own arithmetic would. An empty reduced set gives
// the operation's identity (ONNX): 0 for sums, 1 for the product, -inf / the type's
// minimum for Max, +inf / the type's maximum for Min, -inf for the logarithms and NaN
// for the mean.
//
// ArgMax/ArgMin, CumSum, LogSoftmax and Hardmax work along one axis: the tensor is viewed
// as [outer, n, inner] and each of the outer*inner lines of n elements is handled alone.
// Comparisons follow NumPy: NaN wins against any number (ArgMax and ArgMin both return
// the first NaN), and ReduceMax/ReduceMin propagate NaN.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

// ---- axes ---------------------------------------------------------------------------

// "[0,-2]": an axes list (show() would print negative entries as unknown extents).
std::string show_axes(const Dims& axes) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < axes.size(); ++i) os << (i ? "," : "") << axes[i];
  os << ']';
  return os.str();
}

// Which dimensions a Reduce* op reduces: `mask[d]` for each dimension of a rank-`rank`
// operand. Empty axes reduce everything. Fails on an out-of-range or repeated axis.
std::string reduced_mask(const OpSchema& s, const Dims& axes, size_t rank, std::vector<bool>& mask) {
  mask.assign(rank, axes.empty());
  for (int64_t a : axes) {
    int64_t d = normalize_axis(a, static_cast<int64_t>(rank));
    if (d < 0) return fail(s.name, "axis ", a, " is out of range for rank ", rank);
    if (mask[static_cast<size_t>(d)]) return fail(s.name, "axis ", a, " is listed twice in ", show_axes(axes));
    mask[static_cast<size_t>(d)] = true;
  }
  return {};
}

// The noop case: empty axes with noop_with_empty_axes set make the op the identity.
bool is_noop(const AttrMap& attrs) {
  return attrs.get_ints("axes").empty() && attrs.get_int("noop_with_empty_axes", 0) != 0;
}

// Reads `axis` for a one-axis op and normalizes it; fails when out of range.
std::string one_axis(const OpSchema& s, const AttrMap& attrs, int64_t fallback, size_t rank, size_t& axis) {
  int64_t a = attrs.get_int("axis", fallback);
  int64_t d = normalize_axis(a, static_cast<int64_t>(rank));
  if (d < 0) return fail(s.name, "axis ", a, " is out of range for rank ", rank);
  axis = static_cast<size_t>(d);
  return {};
}

// ---- shape rules --------------------------------------------------------------------

std::string rule_reduce(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType& x = in[0];
  if (is_noop(attrs)) {
    out = {x};
    return {};
  }
  std::vector<bool> mask;
  if (std::string err = reduced_mask(s, attrs.get_ints("axes"), x.rank(), mask); !err.empty()) return err;
  bool keep = attrs.get_int("keepdims", 1) != 0;
  Dims y;
  for (size_t d = 0; d < x.rank(); ++d) {
    if (!mask[d])
      y.push_back(x.dims[d]);
    else if (keep)
      y.push_back(1);
  }
  out = {TensorType{x.dtype, y}};
  return {};
}

std::string rule_arg_reduce(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType& x = in[0];
  size_t axis = 0;
  if (std::string err = one_axis(s, attrs, 0, x.rank(), axis); !err.empty()) return err;
  bool keep = attrs.get_int("keepdims", 1) != 0;
  Dims y;
  bool others_empty = false;  // the result has no elements anyway
  for (size_t d = 0; d < x.rank(); ++d) {
    if (d != axis) {
      y.push_back(x.dims[d]);
      others_empty = others_empty || x.dims[d] == 0;
    } else if (keep) {
      y.push_back(1);
    }
  }
  if (x.dims[axis] == 0 && !others_empty)
    return fail(s.name, "axis ", axis, " of ", show(x.dims), " is empty: there is no element to pick");
  out = {TensorType{DType::i64, y}};
  return {};
}

std::string rule_cumsum(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  size_t axis = 0;
  if (std::string err = one_axis(s, attrs, 0, in[0].rank(), axis); !err.empty()) return err;
  out = {in[0]};
  return {};
}

// LogSoftmax, Hardmax: the operand's type, with `axis` (default -1) in range.
std::string rule_axis(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  size_t axis = 0;
  if (std::string err = one_axis(s, attrs, -1, in[0].rank(), axis); !err.empty()) return err;
  out = {in[0]};
  return {};
}

// ---- Reduce* ------------------------------------------------------------------------

// For each input dimension, the stride of the result index it contributes to: row-major
// strides of the result seen with kept dimensions (reduced ones as extent 1), and 0 for
// reduced dimensions. With or without keepdims the result's linear order is the same.
Dims result_strides(const Dims& x_dims, const std::vector<bool>& mask) {
  Dims kept = x_dims;
  for (size_t d = 0; d < kept.size(); ++d)
    if (mask[d]) kept[d] = 1;
  Dims strides = row_major_strides(kept);
  for (size_t d = 0; d < strides.size(); ++d)
    if (mask[d]) strides[d] = 0;
  return strides;
}

// Calls visit(result_index, input_index) for every input element, in row-major order.
template <typename F>
void for_each_element(const Dims& x_dims, const Dims& y_strides, F&& visit) {
  if (product(x_dims, 0, x_dims.size()) == 0) return;  // no element (rank 0 has one)
  Dims index(x_dims.size(), 0);
  int64_t x_index = 0;
  do {
    int64_t y_index = 0;
    for (size_t d = 0; d < index.size(); ++d) y_index += index[d] * y_strides[d];
    visit(y_index, x_index++);
  } while (next_index(index, x_dims));
}

template <typename T>
std::string reduce_float(const KernelArgs& args, const Dims& y_strides) {
  OpKind kind = args.schema.kind;
  const Dims& x_dims = args.in[0].type.dims;
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n_in = args.in[0].type.num_elements(), n_out = args.out[0].type.num_elements();
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double init = kind == OpKind::ReduceProd ? 1.0
                : kind == OpKind::ReduceMax ? -inf
                : kind == OpKind::ReduceMin ? inf
                                            : 0.0;
  std::vector<double> acc(static_cast<size_t>(n_out), init);

  if (kind == OpKind::ReduceLogSumExp) {
    // Pass 1: the largest element of each set (NaN ignored here, it poisons pass 2).
    std::vector<double> max(static_cast<size_t>(n_out), -inf);
    for_each_element(x_dims, y_strides, [&](int64_t o, int64_t i) {
      double v = x[i];
      if (v > max[o]) max[o] = v;
    });
    // Pass 2: sum of exp(v - max); with an infinite max the result is that max.
    for_each_element(x_dims, y_strides, [&](int64_t o, int64_t i) {
      double v = x[i];
      if (std::isnan(v))
        acc[o] = nan;
      else if (!std::isinf(max[o]))
        acc[o] += std::exp(v - max[o]);
    });
    for (int64_t o = 0; o < n_out; ++o)
      y[o] = static_cast<T>(std::isnan(acc[o]) ? nan : std::isinf(max[o]) ? max[o] : max[o] + std::log(acc[o]));
    return {};
  }

  for_each_element(x_dims, y_strides, [&](int64_t o, int64_t i) {
    double v = x[i];
    double& a = acc[o];
    switch (kind) {
      case OpKind::ReduceSum:
      case OpKind::ReduceMean:
      case OpKind::ReduceLogSum: a += v; break;
      case OpKind::ReduceProd: a *= v; break;
      // Once NaN, `v > a` and `v < a` stay false, so NaN propagates.
      case OpKind::ReduceMax: if (v > a || std::isnan(v)) a = v; break;
      case OpKind::ReduceMin: if (v < a || std::isnan(v)) a = v; break;
      case OpKind::ReduceL1: a += std::fabs(v); break;
      case OpKind::ReduceL2:
      case OpKind::ReduceSumSquare: a += v * v; break;
      default: break;
    }
  });
  // Elements per result element (0 for an empty set: the mean is then 0/0 = NaN).
  double count = n_out > 0 ? static_cast<double>(n_in / n_out) : 0.0;
  for (int64_t o = 0; o < n_out; ++o) {
    double a = acc[o];
    switch (kind) {
      case OpKind::ReduceMean: a = count > 0 ? a / count : nan; break;
      case OpKind::ReduceL2: a = std::sqrt(a); break;
      case OpKind::ReduceLogSum: a = std::log(a); break;
      default: break;
    }
    y[o] = static_cast<T>(a);
  }
  return {};
}

template <typename T>
std::string reduce_integer(const KernelArgs& args, const Dims& y_strides) {
  OpKind kind = args.schema.kind;
  const Dims& x_dims = args.in[0].type.dims;
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t n_out = args.out[0].type.num_elements();
  if (kind == OpKind::ReduceMax || kind == OpKind::ReduceMin) {
    bool is_max = kind == OpKind::ReduceMax;
    std::fill(y, y + n_out, is_max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max());
    for_each_element(x_dims, y_strides, [&](int64_t o, int64_t i) {
      if (is_max ? x[i] > y[o] : x[i] < y[o]) y[o] = x[i];
    });
    return {};
  }
  if (kind != OpKind::ReduceSum && kind != OpKind::ReduceProd && kind != OpKind::ReduceL1 &&
      kind != OpKind::ReduceSumSquare)
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  // Sums and products modulo 2^64; the final narrowing keeps the low bits, which is the
  // wrapped result in the element type (two's complement for signed types).
  std::vector<uint64_t> acc(static_cast<size_t>(n_out), kind == OpKind::ReduceProd ? 1 : 0);
  for_each_element(x_dims, y_strides, [&](int64_t o, int64_t i) {
    auto v = static_cast<uint64_t>(static_cast<std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>(x[i]));
    uint64_t& a = acc[o];
    switch (kind) {
      case OpKind::ReduceSum: a += v; break;
      case OpKind::ReduceProd: a *= v; break;
      case OpKind::ReduceL1: a += (std::is_signed_v<T> && x[i] < 0) ? uint64_t{0} - v : v; break;
      case OpKind::ReduceSumSquare: a += v * v; break;
      default: break;
    }
  });
  for (int64_t o = 0; o < n_out; ++o) y[o] = static_cast<T>(acc[o]);
  return {};
}

// bool (one byte, nonzero is true): ReduceMax is "any", ReduceMin is "all".
std::string reduce_bool(const KernelArgs& args, const Dims& y_strides) {
  OpKind kind = args.schema.kind;
  if (kind != OpKind::ReduceMax && kind != OpKind::ReduceMin)
    return dtype_not_implemented(args.schema, DType::boolean);
  const auto* x = args.in[0].as<const uint8_t>();
  auto* y = args.out[0].as<uint8_t>();
  bool is_max = kind == OpKind::ReduceMax;
  std::fill(y, y + args.out[0].type.num_elements(), is_max ? 0 : 1);
  for_each_element(args.in[0].type.dims, y_strides, [&](int64_t o, int64_t i) {
    bool v = x[i] != 0;
    if (is_max ? v : !v) y[o] = v ? 1 : 0;
  });
  return {};
}

// ---- one axis: [outer, n, inner] ------------------------------------------------------

struct Lines {
  int64_t outer, n, inner;
  // Element j of line (o, i) sits at base(o, i) + j * inner.
  int64_t base(int64_t o, int64_t i) const { return o * n * inner + i; }
};

Lines lines_around(const Dims& dims, size_t axis) {
  return {product(dims, 0, axis), dims[axis], product(dims, axis + 1, dims.size())};
}

// The lines of operand 0 along the op's `axis` attribute (default `fallback_axis`).
std::string axis_lines(const KernelArgs& args, int64_t fallback_axis, Lines& l) {
  const Dims& dims = args.in[0].type.dims;
  size_t axis = 0;
  if (std::string err = one_axis(args.schema, args.attrs, fallback_axis, dims.size(), axis); !err.empty()) return err;
  l = lines_around(dims, axis);
  return {};
}

// Calls f(o, i, base) for every line (o, i), in row-major order of (outer, inner).
template <typename F>
void for_each_line(const Lines& l, F&& f) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t i = 0; i < l.inner; ++i) f(o, i, l.base(o, i));
}

// Whether `cand` takes the place of `best` in ArgMax (is_max) or ArgMin. NaN beats every
// number (NumPy's argmax/argmin); among equals the later one wins only with `last`.
template <typename T>
bool replaces(T cand, T best, bool is_max, bool last) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(best)) return last && std::isnan(cand);
    if (std::isnan(cand)) return true;
  }
  if (cand == best) return last;
  return is_max ? cand > best : cand < best;
}

// Index along the line of the element ArgMax (is_max) or ArgMin picks; n >= 1.
template <typename T>
int64_t pick(const T* x, const Lines& l, int64_t base, bool is_max, bool last) {
  int64_t best = 0;
  for (int64_t j = 1; j < l.n; ++j)
    if (replaces(x[base + j * l.inner], x[base + best * l.inner], is_max, last)) best = j;
  return best;
}

template <typename T>
std::string arg_reduce(const KernelArgs& args) {
  Lines l;
  if (std::string err = axis_lines(args, 0, l); !err.empty()) return err;
  bool is_max = args.schema.kind == OpKind::ArgMax;
  bool last = args.attrs.get_int("select_last_index", 0) != 0;
  const T* x = args.in[0].as<const T>();
  auto* y = args.out[0].as<int64_t>();
  // The result, kept axis or not, is [outer, inner] in row-major order.
  for_each_line(l, [&](int64_t o, int64_t i, int64_t base) { y[o * l.inner + i] = pick(x, l, base, is_max, last); });
  return {};
}

template <typename T>
std::string cumsum(const KernelArgs& args) {
  Lines l;
  if (std::string err = axis_lines(args, 0, l); !err.empty()) return err;
  bool exclusive = args.attrs.get_int("exclusive", 0) != 0;
  bool reverse = args.attrs.get_int("reverse", 0) != 0;
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  // Floats sum in double; integers in uint64 (wrapping like the element type).
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
  using Wide = std::conditional_t<std::is_floating_point_v<T>, double,
                                  std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;
  for_each_line(l, [&](int64_t, int64_t, int64_t base) {
    Acc sum = 0;
    for (int64_t k = 0; k < l.n; ++k) {
      int64_t at = base + (reverse ? l.n - 1 - k : k) * l.inner;
      Acc v = static_cast<Acc>(static_cast<Wide>(x[at]));
      if (!exclusive) sum += v;
      y[at] = static_cast<T>(sum);
      if (exclusive) sum += v;
    }
  });
  return {};
}

template <typename T>
std::string log_softmax(const KernelArgs& args) {
  Lines l;
  if (std::string err = axis_lines(args, -1, l); !err.empty()) return err;
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for_each_line(l, [&](int64_t, int64_t, int64_t base) {
    // log softmax = (v - max) - log(sum exp(v - max)); subtracting the max keeps exp
    // from overflowing.
    double max = -std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < l.n; ++j) max = std::max(max, static_cast<double>(x[base + j * l.inner]));
    double sum = 0;
    for (int64_t j = 0; j < l.n; ++j) sum += std::exp(static_cast<double>(x[base + j * l.inner]) - max);
    double log_sum = std::log(sum);
    for (int64_t j = 0; j < l.n; ++j)
      y[base + j * l.inner] = static_cast<T>(static_cast<double>(x[base + j * l.inner]) - max - log_sum);
  });
  return {};
}

template <typename T>
std::string hardmax(const KernelArgs& args) {
  Lines l;
  if (std::string err = axis_lines(args, -1, l); !err.empty()) return err;
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  if (l.n == 0) return {};
  for_each_line(l, [&](int64_t, int64_t, int64_t base) {
    int64_t best = pick(x, l, base, true, false);
    for (int64_t j = 0; j < l.n; ++j) y[base + j * l.inner] = static_cast<T>(j == best ? 1 : 0);
  });
  return {};
}

}  // namespace

// ---- entry points -----------------------------------------------------------------------

#define HALO_REDUCTION_SHAPE_RULE(NAME, FN) \
  std::string shape_##NAME(const OpSchema& s, Types in, const AttrMap& a, Outs& out) { return FN(s, in, a, out); }
HALO_REDUCTION_SHAPE_RULE(reduce_axes, rule_reduce)
HALO_REDUCTION_SHAPE_RULE(arg_reduce, rule_arg_reduce)
HALO_REDUCTION_SHAPE_RULE(cumsum, rule_cumsum)
HALO_REDUCTION_SHAPE_RULE(reduction_axis, rule_axis)
#undef HALO_REDUCTION_SHAPE_RULE

std::string run_reduction(const KernelArgs& args) {
  const TensorView& x = args.in[0];
  DType t = x.type.dtype;
  if (!schema_lists_dtype(args.schema, t)) return dtype_not_implemented(args.schema, t);
  if (is_noop(args.attrs)) {  // the identity: copy the bytes
    const auto* src = x.as<const uint8_t>();
    auto* dst = args.out[0].as<uint8_t>();
    if (src != dst) std::copy(src, src + x.type.num_bytes(), dst);
    return {};
  }
  std::vector<bool> mask;
  if (std::string err = reduced_mask(args.schema, args.attrs.get_ints("axes"), x.type.rank(), mask); !err.empty())
    return err;
  Dims y_strides = result_strides(x.type.dims, mask);
  if (t == DType::boolean) return reduce_bool(args, y_strides);
  if (has_float16(args)) return run_widened(args, run_reduction);  // in double, rounded once
  return with_numeric_dtype(args.schema, t, [&]<typename T>() {
    if constexpr (std::is_floating_point_v<T>)
      return reduce_float<T>(args, y_strides);
    else
      return reduce_integer<T>(args, y_strides);
  });
}

std::string run_arg_reduce(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_arg_reduce);  // f16/bf16: in double, rounded once
  return with_numeric_dtype(args.schema, args.in[0].type.dtype,
                            [&]<typename T>() { return arg_reduce<T>(args); });
}

std::string run_cumsum(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_cumsum);  // f16/bf16: in double, rounded once
  return with_numeric_dtype(args.schema, args.in[0].type.dtype,
                            [&]<typename T>() { return cumsum<T>(args); });
}

std::string run_log_softmax(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_log_softmax);  // f16/bf16: in double, rounded once
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return log_softmax<T>(args); });
}

std::string run_hardmax(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_hardmax);  // f16/bf16: in double, rounded once
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return hardmax<T>(args); });
}

}  // namespace halo::sem::kernels
