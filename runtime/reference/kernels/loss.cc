// loss.cc - NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss and LpNormalization, with
// their shape rules.
//
// Losses (ONNX definition, evaluated in double, rounded once per result element):
// input is viewed as [N, C, D] with D = prod(d1...) and target as [N, D]. For each (n, d)
// with class t = target[n, d]:
//   ignored (has_ignore_index and t == ignore_index): loss 0, weight 0;
//   otherwise t must lie in [0, C): w = weight[t] (1 without weight), loss = -w * p[n, t, d]
//   where p is the input (NLL) or log_softmax of the input over C (SCE).
// reduction "none" returns the [N, d1...] losses, "sum" their sum, "mean" their sum divided
// by the sum of w (NaN when that sum is 0, e.g. every element ignored).
//
// LpNormalization: y = x / ||x|| along `axis`, with ||x|| = sum |x| (p = 1) or
// sqrt(sum x^2) (p = 2); a zero norm gives 0/0 = NaN, as the formula says.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

bool is_float(DType t) { return t == DType::f32 || t == DType::f64; }
bool same_extent(int64_t a, int64_t b) { return a == b || a == kUnknownDim || b == kUnknownDim; }

// ---- loss kernels -----------------------------------------------------------------------

// The class log-probabilities of element (n, d): the input itself (NLL) or the log of its
// softmax over the C classes (SCE), as a function of the class.
template <typename T, typename I>
std::string loss_kernel(const KernelArgs& args, bool softmax) {
  const Dims& dx = args.in[0].type.dims;
  int64_t batch = dx[0], classes = dx[1], inner = product(dx, 2, dx.size());
  std::string reduction = args.attrs.get_string("reduction", "mean");
  bool has_ignore = args.attrs.get_int("has_ignore_index", 0) != 0;
  int64_t ignore = args.attrs.get_int("ignore_index", 0);
  const T* x = args.in[0].as<const T>();
  const I* target = args.in[1].as<const I>();
  const T* weight = args.has(2) ? args.in[2].as<const T>() : nullptr;
  T* y = args.out[0].as<T>();

  double loss_sum = 0, weight_sum = 0;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t d = 0; d < inner; ++d) {
      int64_t at = n * inner + d;
      int64_t t = static_cast<int64_t>(target[at]);
      double loss = 0, w = 0;
      if (!(has_ignore && t == ignore)) {
        if (t < 0 || t >= classes)
          return fail(args.name(), "target value ", t, " at element ", at, " is outside the classes [0, ", classes, ")");
        auto in_at = [&](int64_t c) { return static_cast<double>(x[(n * classes + c) * inner + d]); };
        double log_p = in_at(t);
        if (softmax) {
          double mx = -std::numeric_limits<double>::infinity();
          for (int64_t c = 0; c < classes; ++c) mx = std::max(mx, in_at(c));
          double s = 0;
          for (int64_t c = 0; c < classes; ++c) s += std::exp(in_at(c) - mx);
          log_p = log_p - mx - std::log(s);
        }
        w = weight ? static_cast<double>(weight[t]) : 1.0;
        loss = -w * log_p;
      }
      if (reduction == "none") y[at] = static_cast<T>(loss);
      loss_sum += loss;
      weight_sum += w;
    }
  if (reduction == "sum") y[0] = static_cast<T>(loss_sum);
  if (reduction == "mean") y[0] = static_cast<T>(loss_sum / weight_sum);
  return {};
}

std::string run_loss(const KernelArgs& args, bool softmax) {
  DType target_type = args.in[1].type.dtype;
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if (target_type == DType::i32) return loss_kernel<T, int32_t>(args, softmax);
    if (target_type == DType::i64) return loss_kernel<T, int64_t>(args, softmax);
    return fail(args.name(), "target must be i32 or i64");
  });
}

// ---- LpNormalization --------------------------------------------------------------------

std::string lp_axis(const OpSchema& s, const AttrMap& attrs, size_t rank, size_t& axis) {
  int64_t a = attrs.get_int("axis", -1);
  int64_t d = normalize_axis(a, static_cast<int64_t>(rank));
  if (d < 0) return fail(s.name, "axis ", a, " is out of range for rank ", rank);
  axis = static_cast<size_t>(d);
  return {};
}

template <typename T>
std::string lp_kernel(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  size_t axis = 0;
  if (std::string err = lp_axis(args.schema, args.attrs, dx.size(), axis); !err.empty()) return err;
  int64_t p = args.attrs.get_int("p", 2);
  int64_t outer = product(dx, 0, axis), extent = dx[axis], inner = product(dx, axis + 1, dx.size());
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return (o * extent + k) * inner + i; };
      double norm = 0;
      for (int64_t k = 0; k < extent; ++k) {
        double v = static_cast<double>(x[at(k)]);
        norm += p == 1 ? std::fabs(v) : v * v;
      }
      if (p == 2) norm = std::sqrt(norm);
      for (int64_t k = 0; k < extent; ++k) y[at(k)] = static_cast<T>(static_cast<double>(x[at(k)]) / norm);
    }
  return {};
}

}  // namespace

// ---- shape rules --------------------------------------------------------------------------

// NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss: input [N, C, d1...] float,
// target [N, d1...] i32/i64, weight [C] of the input's type.
std::string shape_loss(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType& x = in[0];
  const TensorType& t = in[1];
  if (!is_float(x.dtype)) return fail(s.name, "operand ", s.operands[0].name, " must be f32 or f64");
  if (t.dtype != DType::i32 && t.dtype != DType::i64)
    return fail(s.name, "operand ", s.operands[1].name, " must be i32 or i64");
  if (x.rank() < 2)
    return fail(s.name, "operand ", s.operands[0].name, " must have rank >= 2 ([N, C, ...]), got ", show(x.dims));
  bool ok = t.rank() == x.rank() - 1 && same_extent(t.dims[0], x.dims[0]);
  for (size_t k = 1; ok && k < t.rank(); ++k) ok = same_extent(t.dims[k], x.dims[k + 1]);
  if (!ok)
    return fail(s.name, "operand ", s.operands[1].name, " ", show(t.dims), " must have the shape of ",
                s.operands[0].name, " ", show(x.dims), " without dimension 1");
  if (in.size() > 2 && in[2].present()) {
    const TensorType& w = in[2];
    if (w.dtype != x.dtype) return fail(s.name, "operand ", s.operands[2].name, " must have the type of ", s.operands[0].name);
    if (w.rank() != 1 || !same_extent(w.dims[0], x.dims[1]))
      return fail(s.name, "operand ", s.operands[2].name, " must have shape [", x.dims[1], "] (the classes), got ",
                  show(w.dims));
  }
  std::string reduction = attrs.get_string("reduction", "mean");
  if (reduction == "none") {
    out = {TensorType{x.dtype, t.dims}};
  } else if (reduction == "sum" || reduction == "mean") {
    out = {TensorType{x.dtype, {}}};
  } else {
    return fail(s.name, "reduction must be none, sum or mean, got '", reduction, "'");
  }
  return {};
}

std::string shape_lp_normalization(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  const TensorType& x = in[0];
  if (!is_float(x.dtype)) return fail(s.name, "operand ", s.operands[0].name, " must be f32 or f64");
  size_t axis = 0;
  if (std::string err = lp_axis(s, attrs, x.rank(), axis); !err.empty()) return err;
  int64_t p = attrs.get_int("p", 2);
  if (p != 1 && p != 2) return fail(s.name, "p must be 1 or 2, got ", p);
  out = {x};
  return {};
}

// ---- kernels ------------------------------------------------------------------------------

std::string run_nll_loss(const KernelArgs& args) { return run_loss(args, false); }
std::string run_sce_loss(const KernelArgs& args) { return run_loss(args, true); }

std::string run_lp_normalization(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return lp_kernel<T>(args); });
}

}  // namespace halo::sem::kernels
