// nn_norm.cc - normalizations (LayerNormalization, RMSNormalization,
// InstanceNormalization, GroupNormalization, LRN, MeanVarianceNormalization) and the
// pools GlobalMaxPool, LpPool and GlobalLpPool, with their shape rules.
//
// Every normalization is the literal formula of the ONNX definition, evaluated in double
// and rounded once per result element:
// - LayerNormalization: X viewed as [outer, inner] with inner = prod(X.shape[axis:]);
//   each row gets mean m and variance v = mean((x - m)^2), then
//   y = (x - m) / sqrt(v + epsilon) * Scale + B (Scale, B broadcast to X.shape[axis:]).
//   LayerNormalizationWithStats (same kernel) also writes m and 1 / sqrt(v + epsilon) of
//   row o to element o of its Mean and InvStdDev results.
// - RMSNormalization: y = x / sqrt(mean(x^2) + epsilon) * scale over the same rows.
// - InstanceNormalization: rows are the (n, c) planes; scale/B per channel.
// - GroupNormalization: rows are the (n, group) blocks of C/num_groups channels;
//   scale/bias per channel (opset 21 form).
// - LRN: y = x / (bias + alpha / size * sum of x^2 over channels
//   [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C))^beta.
// - MeanVarianceNormalization: y = (x - mean) / (sqrt(variance) + 1e-9) over `axes`.
// Pools: GlobalMaxPool is the maximum of each (n, c) plane (NaN propagates, as MaxPool);
// LpPool and GlobalLpPool are (sum |x|^p)^(1/p) over the window's real elements
// (padding adds zeros, so it is skipped).
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

bool same_extent(int64_t a, int64_t b) { return a == b || a == kUnknownDim || b == kUnknownDim; }

std::string show_list(const Dims& v) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  os << ']';
  return os.str();
}

// Operand `i` must have shape [C] (the channels of X).
std::string check_per_channel(const OpSchema& s, Types in, size_t i) {
  const Dims& d = in[i].dims;
  if (d.size() != 1 || !same_extent(d[0], in[0].dims[1]))
    return fail(s.name, "operand ", s.operands[i].name, " must have shape [", in[0].dims[1],
                "] (the channels of X), got ", show(d));
  return {};
}

std::string check_rank_at_least(const OpSchema& s, const TensorType& x, size_t rank) {
  if (x.rank() < rank)
    return fail(s.name, "X must have rank >= ", rank, " (N, C, ...), got ", show(x.dims));
  return {};
}

// The normalized axis of LayerNormalization / RMSNormalization, in [0, rank).
std::string norm_axis(const OpSchema& s, const AttrMap& attrs, size_t rank, size_t& axis) {
  int64_t a = attrs.get_int("axis", -1);
  int64_t d = normalize_axis(a, static_cast<int64_t>(rank));
  if (d < 0) return fail(s.name, "axis ", a, " is out of range for rank ", rank);
  axis = static_cast<size_t>(d);
  return {};
}

std::string check_epsilon(const OpSchema& s, const AttrMap& attrs) {
  double eps = attrs.get_float("epsilon", 1e-5);
  if (!(eps >= 0)) return fail(s.name, "epsilon must be >= 0, got ", eps);
  return {};
}

// Which dimensions MeanVarianceNormalization takes its statistics over.
std::string mvn_mask(const OpSchema& s, const Dims& axes, size_t rank, std::vector<bool>& mask) {
  mask.assign(rank, false);
  for (int64_t a : axes) {
    int64_t d = normalize_axis(a, static_cast<int64_t>(rank));
    if (d < 0) return fail(s.name, "axis ", a, " of axes ", show_list(axes), " is out of range for rank ", rank);
    if (mask[static_cast<size_t>(d)]) return fail(s.name, "axis ", a, " is listed twice in ", show_list(axes));
    mask[static_cast<size_t>(d)] = true;
  }
  return {};
}

// ---- kernels ---------------------------------------------------------------------------

// LayerNormalization (rms = false) and RMSNormalization (rms = true); with three result
// views (LayerNormalizationWithStats) also each row's mean and inverse deviation.
template <typename T>
std::string axis_norm(const KernelArgs& args, bool rms) {
  const Dims& dx = args.in[0].type.dims;
  size_t axis = 0;
  if (std::string err = norm_axis(args.schema, args.attrs, dx.size(), axis); !err.empty()) return err;
  double eps = args.attrs.get_float("epsilon", 1e-5);
  int64_t outer = product(dx, 0, axis), inner = product(dx, axis, dx.size());
  Dims norm_dims(dx.begin() + static_cast<ptrdiff_t>(axis), dx.end());
  BroadcastIndexer scale_at(args.in[1].type.dims, norm_dims);
  bool has_bias = !rms && args.has(2);
  BroadcastIndexer bias_at(has_bias ? args.in[2].type.dims : Dims{}, norm_dims);
  const T* x = args.in[0].as<const T>();
  const T* scale = args.in[1].as<const T>();
  const T* bias = has_bias ? args.in[2].as<const T>() : nullptr;
  T* y = args.out[0].as<T>();
  T* mean_out = args.out.size() == 3 ? args.out[1].as<T>() : nullptr;
  T* inv_out = args.out.size() == 3 ? args.out[2].as<T>() : nullptr;
  for (int64_t o = 0; o < outer; ++o) {
    const T* row = x + o * inner;
    double mean = 0, var = 0;
    if (!rms) {
      for (int64_t j = 0; j < inner; ++j) mean += static_cast<double>(row[j]);
      mean /= static_cast<double>(inner);
    }
    for (int64_t j = 0; j < inner; ++j) {
      double dev = static_cast<double>(row[j]) - mean;
      var += dev * dev;
    }
    var /= static_cast<double>(inner);
    double inv = 1.0 / std::sqrt(var + eps);
    if (mean_out) {
      mean_out[o] = static_cast<T>(mean);
      inv_out[o] = static_cast<T>(inv);
    }
    for (int64_t j = 0; j < inner; ++j) {
      double v = (static_cast<double>(row[j]) - mean) * inv * static_cast<double>(scale[scale_at(j)]);
      if (has_bias) v += static_cast<double>(bias[bias_at(j)]);
      y[o * inner + j] = static_cast<T>(v);
    }
  }
  return {};
}

// InstanceNormalization (groups = C) and GroupNormalization: the C channels of each
// sample form `groups` contiguous blocks, each normalized as a whole; then the per-channel
// affine map.
template <typename T>
std::string channel_group_norm(const KernelArgs& args, int64_t groups) {
  const Dims& dx = args.in[0].type.dims;
  double eps = args.attrs.get_float("epsilon", 1e-5);
  int64_t batch = dx[0], channels = dx[1], size = product(dx, 2, dx.size());
  int64_t per_group = channels / groups;  // validated: groups divides channels
  int64_t block = per_group * size;
  const T* x = args.in[0].as<const T>();
  const T* scale = args.in[1].as<const T>();
  const T* bias = args.in[2].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t g = 0; g < groups; ++g) {
      int64_t base = (n * groups + g) * block;
      double mean = 0, var = 0;
      for (int64_t j = 0; j < block; ++j) mean += static_cast<double>(x[base + j]);
      mean /= static_cast<double>(block);
      for (int64_t j = 0; j < block; ++j) {
        double dev = static_cast<double>(x[base + j]) - mean;
        var += dev * dev;
      }
      var /= static_cast<double>(block);
      double inv = 1.0 / std::sqrt(var + eps);
      for (int64_t j = 0; j < block; ++j) {
        int64_t c = g * per_group + j / size;
        double v = (static_cast<double>(x[base + j]) - mean) * inv;
        y[base + j] = static_cast<T>(static_cast<double>(scale[c]) * v + static_cast<double>(bias[c]));
      }
    }
  return {};
}

template <typename T>
std::string lrn(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  int64_t size = args.attrs.get_int("size");
  double alpha = args.attrs.get_float("alpha", 1e-4), beta = args.attrs.get_float("beta", 0.75),
         bias = args.attrs.get_float("bias", 1.0);
  int64_t batch = dx[0], channels = dx[1], plane = product(dx, 2, dx.size());
  int64_t below = (size - 1) / 2, above = size / 2;  // floor and ceil of (size-1)/2
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < plane; ++i) {
        double square_sum = 0;
        int64_t lo = std::max<int64_t>(0, c - below), hi = std::min<int64_t>(channels - 1, c + above);
        for (int64_t k = lo; k <= hi; ++k) {
          double v = static_cast<double>(x[(n * channels + k) * plane + i]);
          square_sum += v * v;
        }
        int64_t at = (n * channels + c) * plane + i;
        double den = std::pow(bias + alpha / static_cast<double>(size) * square_sum, beta);
        y[at] = static_cast<T>(static_cast<double>(x[at]) / den);
      }
  return {};
}

template <typename T>
std::string mvn(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  std::vector<bool> mask;
  if (std::string err = mvn_mask(args.schema, args.attrs.get_ints("axes", {0, 2, 3}), dx.size(), mask);
      !err.empty())
    return err;
  int64_t total = product(dx, 0, dx.size());
  if (total == 0) return {};
  // Statistics live in a tensor with the reduced dimensions set to 1.
  Dims stat_dims = dx;
  int64_t count = 1;
  for (size_t d = 0; d < dx.size(); ++d)
    if (mask[d]) {
      count *= dx[d];
      stat_dims[d] = 1;
    }
  BroadcastIndexer stat_at(stat_dims, dx);
  int64_t stats = product(stat_dims, 0, stat_dims.size());
  std::vector<double> mean(static_cast<size_t>(stats), 0.0), var(static_cast<size_t>(stats), 0.0);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t i = 0; i < total; ++i) mean[static_cast<size_t>(stat_at(i))] += static_cast<double>(x[i]);
  for (double& m : mean) m /= static_cast<double>(count);
  for (int64_t i = 0; i < total; ++i) {
    auto k = static_cast<size_t>(stat_at(i));
    double dev = static_cast<double>(x[i]) - mean[k];
    var[k] += dev * dev;
  }
  for (double& v : var) v /= static_cast<double>(count);
  for (int64_t i = 0; i < total; ++i) {
    auto k = static_cast<size_t>(stat_at(i));
    y[i] = static_cast<T>((static_cast<double>(x[i]) - mean[k]) / (std::sqrt(var[k]) + 1e-9));
  }
  return {};
}

// GlobalMaxPool (p = 0) and GlobalLpPool (p >= 1) over each (n, c) plane.
template <typename T>
std::string global_pool(const KernelArgs& args, int64_t p) {
  const Dims& dx = args.in[0].type.dims;
  int64_t planes = dx[0] * dx[1], size = product(dx, 2, dx.size());
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* plane = x + pl * size;
    double acc = p == 0 ? -std::numeric_limits<double>::infinity() : 0.0;
    for (int64_t i = 0; i < size; ++i) {
      auto v = static_cast<double>(plane[i]);
      if (p == 0) {
        if (!std::isnan(acc) && !(v <= acc)) acc = v;  // NaN wins and stays
      } else {
        acc += std::pow(std::fabs(v), static_cast<double>(p));
      }
    }
    y[pl] = static_cast<T>(p == 0 ? acc : std::pow(acc, 1.0 / static_cast<double>(p)));
  }
  return {};
}

// ceil(a / b) for b > 0.
int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0 && a > 0); }

template <typename T>
std::string lp_pool(const KernelArgs& args) {
  const Dims &dx = args.in[0].type.dims, &dy = args.out[0].type.dims;
  size_t spatial = dx.size() - 2;
  Window w;
  if (std::string err = read_window(args.name(), args.attrs, spatial, args.attrs.get_ints("kernel_shape"), true, w);
      !err.empty())
    return err;
  auto p = static_cast<double>(args.attrs.get_int("p", 2));
  if (args.out[0].type.num_elements() == 0) return {};
  Dims in_extent(dx.begin() + 2, dx.end()), out_extent(dy.begin() + 2, dy.end());
  Dims x_strides = row_major_strides(dx);
  int64_t planes = dx[0] * dx[1];
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t y_index = 0;
  for (int64_t plane = 0; plane < planes; ++plane) {
    Dims o(spatial, 0);
    do {
      // Per dimension, the taps k with 0 <= start + k * dilation < extent: [first, end).
      Dims start(spatial), first(spatial), count(spatial);
      for (size_t d = 0; d < spatial; ++d) {
        start[d] = o[d] * w.strides[d] - w.pads_begin[d];
        int64_t f = std::max<int64_t>(0, ceil_div(-start[d], w.dilations[d]));
        int64_t e = std::min<int64_t>(w.kernel[d], ceil_div(in_extent[d] - start[d], w.dilations[d]));
        first[d] = f;
        count[d] = std::max<int64_t>(0, e - f);
      }
      double sum = 0;
      if (product(count, 0, spatial) > 0) {
        Dims i(spatial, 0);
        do {
          int64_t off = plane * x_strides[1];
          for (size_t d = 0; d < spatial; ++d)
            off += (start[d] + (first[d] + i[d]) * w.dilations[d]) * x_strides[d + 2];
          sum += std::pow(std::fabs(static_cast<double>(x[off])), p);
        } while (next_index(i, count));
      }
      y[y_index++] = static_cast<T>(std::pow(sum, 1.0 / p));
    } while (next_index(o, out_extent));
  }
  return {};
}

}  // namespace

// ---- shape rules ---------------------------------------------------------------------------

std::string shape_nn_norm_axis_affine(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType& x = in[0];
  size_t axis = 0;
  if (std::string err = norm_axis(s, attrs, x.rank(), axis); !err.empty()) return err;
  if (std::string err = check_epsilon(s, attrs); !err.empty()) return err;
  Dims norm(x.dims.begin() + static_cast<ptrdiff_t>(axis), x.dims.end());
  for (size_t i = 1; i < in.size(); ++i) {
    if (!in[i].present()) continue;
    const Dims& d = in[i].dims;
    bool ok = d.size() <= norm.size();
    for (size_t k = 0; ok && k < d.size(); ++k) {
      int64_t want = norm[norm.size() - d.size() + k];
      ok = d[k] == 1 || same_extent(d[k], want);
    }
    if (!ok)
      return fail(s.name, "operand ", s.operands[i].name, " ", show(d), " does not broadcast to the normalized shape ",
                  show(norm));
  }
  out = {x};
  return {};
}

// LayerNormalizationWithStats: Y like X, then Mean and InvStdDev of shape
// X.shape[:axis] + [1] * (rank - axis) (one value per normalized row, rank kept).
std::string shape_nn_norm_layer_stats(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  if (std::string err = shape_nn_norm_axis_affine(s, in, attrs, out); !err.empty()) return err;
  const TensorType& x = in[0];
  size_t axis = 0;
  if (std::string err = norm_axis(s, attrs, x.rank(), axis); !err.empty()) return err;
  TensorType stats{x.dtype, x.dims};
  for (size_t k = axis; k < stats.dims.size(); ++k) stats.dims[k] = 1;
  out = {x, stats, stats};
  return {};
}

std::string shape_nn_norm_instance(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  if (std::string err = check_rank_at_least(s, in[0], 3); !err.empty()) return err;
  if (std::string err = check_epsilon(s, attrs); !err.empty()) return err;
  for (size_t i = 1; i < 3; ++i)
    if (std::string err = check_per_channel(s, in, i); !err.empty()) return err;
  out = {in[0]};
  return {};
}

std::string shape_nn_norm_group(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  if (std::string err = check_rank_at_least(s, in[0], 2); !err.empty()) return err;
  if (std::string err = check_epsilon(s, attrs); !err.empty()) return err;
  int64_t groups = attrs.get_int("num_groups");
  if (groups < 1) return fail(s.name, "num_groups must be >= 1, got ", groups);
  int64_t c = in[0].dims[1];
  if (c != kUnknownDim && c % groups != 0)
    return fail(s.name, "the ", c, " channels of X are not divisible by num_groups ", groups);
  for (size_t i = 1; i < 3; ++i)
    if (std::string err = check_per_channel(s, in, i); !err.empty()) return err;
  out = {in[0]};
  return {};
}

std::string shape_nn_norm_lrn(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  if (std::string err = check_rank_at_least(s, in[0], 2); !err.empty()) return err;
  int64_t size = attrs.get_int("size");
  if (size < 1) return fail(s.name, "size must be >= 1, got ", size);
  out = {in[0]};
  return {};
}

std::string shape_nn_norm_mvn(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  std::vector<bool> mask;
  if (std::string err = mvn_mask(s, attrs.get_ints("axes", {0, 2, 3}), in[0].rank(), mask); !err.empty())
    return err;
  out = {in[0]};
  return {};
}

// LpPool / GlobalLpPool: the shared pool shapes, and p >= 1.
std::string shape_nn_norm_lp_pool(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  int64_t p = attrs.get_int("p", 2);
  if (p < 1) return fail(s.name, "p must be >= 1, got ", p);
  return shape_pool(s, in, attrs, out);
}

std::string shape_nn_norm_global_lp_pool(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  int64_t p = attrs.get_int("p", 2);
  if (p < 1) return fail(s.name, "p must be >= 1, got ", p);
  return shape_global_pool(s, in, attrs, out);
}

// ---- kernels -------------------------------------------------------------------------------

std::string run_layer_norm(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return axis_norm<T>(args, false); });
}

std::string run_rms_norm(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return axis_norm<T>(args, true); });
}

std::string run_instance_norm(const KernelArgs& args) {
  int64_t channels = args.in[0].type.dims[1];
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() {
    return channels == 0 ? std::string{} : channel_group_norm<T>(args, channels);
  });
}

std::string run_group_norm(const KernelArgs& args) {
  int64_t groups = args.attrs.get_int("num_groups");
  if (groups < 1 || args.in[0].type.dims[1] % groups != 0)
    return fail(args.name(), "num_groups ", groups, " does not divide the channels of X");
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return channel_group_norm<T>(args, groups); });
}

std::string run_lrn(const KernelArgs& args) {
  if (args.attrs.get_int("size") < 1) return fail(args.name(), "size must be >= 1");
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return lrn<T>(args); });
}

std::string run_mvn(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return mvn<T>(args); });
}

std::string run_global_max_pool(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return global_pool<T>(args, 0); });
}

std::string run_global_lp_pool(const KernelArgs& args) {
  int64_t p = args.attrs.get_int("p", 2);
  if (p < 1) return fail(args.name(), "p must be >= 1, got ", p);
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return global_pool<T>(args, p); });
}

std::string run_lp_pool(const KernelArgs& args) {
  int64_t p = args.attrs.get_int("p", 2);
  if (p < 1) return fail(args.name(), "p must be >= 1, got ", p);
  if (args.in[0].type.rank() < 3) return fail(args.name(), "X must have rank >= 3");
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return lp_pool<T>(args); });
}

}  // namespace halo::sem::kernels
