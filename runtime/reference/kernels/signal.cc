// signal.cc - the signal family (ops/signal.toml): HannWindow, HammingWindow,
// BlackmanWindow, DFT, STFT and MelWeightMatrix, with ONNX opset 17/20 semantics.
//
// Complex tensors are real tensors whose last dimension is (real, imaginary); a real
// input has a last dimension of 1. The transforms are the naive O(n^2) sums in double:
// X[k] = sum_n x[n] exp(-2 pi i k n / N) (the inverse uses +i and divides by N), which is
// easy to check by eye; the angle is reduced modulo N in integers first so that large
// k * n lose no precision. Every size is bounded before any loop runs.
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr int64_t kMaxWindow = int64_t{1} << 28;       // points of a window or mel matrix
constexpr double kMaxMultiplyAdds = 4e9;              // per DFT/STFT call, to bound the time

bool is_int_type(DType t) { return t == DType::i32 || t == DType::i64; }
bool is_float_type(DType t) { return t == DType::f32 || t == DType::f64; }

// A scalar operand: rank 0, or rank 1 with one element (exporters emit both).
bool is_scalar(const TensorType& t) { return t.dims.empty() || (t.dims.size() == 1 && t.dims[0] == 1); }

// The element type named by the `dtype` attribute, f32 or f64.
std::string result_dtype(const OpSchema& s, const AttrMap& a, DType& t) {
  std::string name = a.get_string("dtype", "f32");
  auto d = dtype_from_name(name);
  if (!d || !is_float_type(*d)) return fail(s.name, "dtype must be f32 or f64, got '", name, "'");
  t = *d;
  return {};
}

int64_t read_int_scalar(const TensorView& v) {
  return v.type.dtype == DType::i32 ? int64_t{*v.as<const int32_t>()} : *v.as<const int64_t>();
}

double read_float_scalar(const TensorView& v) {
  return v.type.dtype == DType::f32 ? double{*v.as<const float>()} : *v.as<const double>();
}

// Writes double values into a f32 or f64 result.
void store(const TensorView& out, int64_t i, double v) {
  if (out.type.dtype == DType::f32) out.as<float>()[i] = static_cast<float>(v);
  else out.as<double>()[i] = v;
}

// ---- windows ----------------------------------------------------------------------------

double window_value(OpKind kind, int64_t n, int64_t denominator) {
  // Length-1 symmetric windows have denominator 0; they are the single point 1, as in
  // NumPy and PyTorch (ONNX's reference would divide 0 by 0).
  if (denominator == 0) return 1.0;
  double x = 2.0 * std::numbers::pi * static_cast<double>(n) / static_cast<double>(denominator);
  switch (kind) {
    case OpKind::HannWindow: {
      double s = std::sin(x / 2);
      return s * s;
    }
    case OpKind::HammingWindow:
      return 25.0 / 46.0 - 21.0 / 46.0 * std::cos(x);
    default:  // BlackmanWindow
      return 0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2 * x);
  }
}

// ---- DFT --------------------------------------------------------------------------------

struct DftGeometry {
  int64_t axis = 0;      // normalized, never the last dimension
  int64_t n = 0;         // dft_length
  int64_t out_len = 0;   // n, or n / 2 + 1 when onesided
};

std::string dft_geometry(const OpSchema& s, const TensorType& x, const AttrMap& a, DftGeometry& g) {
  auto rank = static_cast<int64_t>(x.dims.size());
  if (rank < 2) return fail(s.name, "input must have rank >= 2, got ", show(x.dims));
  for (int64_t d : x.dims)
    if (d < 0) return fail(s.name, "input must have a static shape, got ", show(x.dims));
  int64_t last = x.dims.back();
  if (last != 1 && last != 2)
    return fail(s.name, "the last dimension must be 1 (real) or 2 (complex), got ", show(x.dims));
  int64_t axis = a.get_int("axis", -2);
  g.axis = normalize_axis(axis, rank);
  if (g.axis < 0 || g.axis == rank - 1)
    return fail(s.name, "axis ", axis, " must be in [-", rank, ", -2] or [0, ", rank - 2, "]");
  int64_t len = x.dims[static_cast<size_t>(g.axis)];
  g.n = a.get_int("dft_length", 0);
  if (g.n == 0) g.n = len;
  if (g.n < 1) return fail(s.name, "dft_length must be >= 1, got ", g.n);
  if (g.n > kMaxWindow) return fail(s.name, "dft_length ", g.n, " is too large");
  g.out_len = a.get_int("onesided", 0) != 0 ? g.n / 2 + 1 : g.n;
  double work = static_cast<double>(product(x.dims, 0, x.dims.size() - 1)) / std::max<double>(1, len) *
                static_cast<double>(g.out_len) * static_cast<double>(std::min(len, g.n));
  if (work > kMaxMultiplyAdds) return fail(s.name, "the transform of ", show(x.dims), " is too large");
  return {};
}

// One transform: `count` samples at x[first + n * step] (complex when `complex`), of
// length n (zero-padded), bins 0 .. out_len-1 written at y[out_first + k * out_step].
template <typename T>
void transform(const T* x, int64_t first, int64_t step, int64_t count, bool complex, const double* weights,
               int64_t n, bool inverse, int64_t out_len, T* y, int64_t out_first, int64_t out_step) {
  double sign = inverse ? 1.0 : -1.0;
  int64_t c = complex ? 2 : 1;
  for (int64_t k = 0; k < out_len; ++k) {
    double re = 0, im = 0;
    for (int64_t m = 0; m < count && m < n; ++m) {
      const T* p = x + first + m * step;
      double w = weights ? weights[m] : 1.0;
      double xr = static_cast<double>(p[0]) * w;
      double xi = c == 2 ? static_cast<double>(p[1]) * w : 0.0;
      double angle = sign * 2.0 * std::numbers::pi * static_cast<double>((k * m) % n) / static_cast<double>(n);
      double cs = std::cos(angle), sn = std::sin(angle);
      re += xr * cs - xi * sn;
      im += xr * sn + xi * cs;
    }
    if (inverse) {
      re /= static_cast<double>(n);
      im /= static_cast<double>(n);
    }
    T* q = y + out_first + k * out_step;
    q[0] = static_cast<T>(re);
    q[1] = static_cast<T>(im);
  }
}

template <typename T>
std::string dft(const KernelArgs& args) {
  const TensorType& xt = args.in[0].type;
  DftGeometry g;
  if (std::string e = dft_geometry(args.schema, xt, args.attrs, g); !e.empty()) return e;
  bool inverse = args.attrs.get_int("inverse", 0) != 0;
  auto axis = static_cast<size_t>(g.axis);
  int64_t c = xt.dims.back();
  int64_t outer = product(xt.dims, 0, axis);
  int64_t len = xt.dims[axis];
  int64_t inner = product(xt.dims, axis + 1, xt.dims.size() - 1);
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      transform<T>(x, (o * len * inner + i) * c, inner * c, len, c == 2, nullptr, g.n, inverse, g.out_len, y,
                   (o * g.out_len * inner + i) * 2, inner * 2);
  return {};
}

// ---- STFT -------------------------------------------------------------------------------

struct StftGeometry {
  int64_t batch = 0, length = 0, channels = 0, step = 0, frame = 0, frames = 0, bins = 0;
};

std::string stft_geometry(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a, StftGeometry& g) {
  const TensorType& x = in[0];
  if (x.dims.size() != 3) return fail(s.name, "signal must be [batch, length, 1 or 2], got ", show(x.dims));
  for (int64_t d : x.dims)
    if (d < 0) return fail(s.name, "signal must have a static shape, got ", show(x.dims));
  g.batch = x.dims[0];
  g.length = x.dims[1];
  g.channels = x.dims[2];
  if (g.channels != 1 && g.channels != 2)
    return fail(s.name, "signal must be [batch, length, 1 or 2], got ", show(x.dims));
  g.step = a.get_int("frame_step");
  if (g.step < 1) return fail(s.name, "frame_step must be >= 1, got ", g.step);
  g.frame = a.get_int("frame_length", 0);
  bool has_window = in.size() > 1 && in[1].present();
  if (has_window) {
    if (in[1].dims.size() != 1 || in[1].dims[0] < 0)
      return fail(s.name, "window must be a static 1-D tensor, got ", show(in[1].dims));
    if (g.frame == 0) g.frame = in[1].dims[0];
    if (in[1].dims[0] != g.frame)
      return fail(s.name, "window has ", in[1].dims[0], " points, frame_length is ", g.frame);
  }
  if (g.frame == 0) g.frame = g.length;
  if (g.frame < 1 || g.frame > g.length)
    return fail(s.name, "frame_length ", g.frame, " must be in [1, ", g.length, "]");
  g.frames = 1 + (g.length - g.frame) / g.step;
  g.bins = a.get_int("onesided", 1) != 0 ? g.frame / 2 + 1 : g.frame;
  double work = static_cast<double>(g.batch) * static_cast<double>(g.frames) * static_cast<double>(g.bins) *
                static_cast<double>(g.frame);
  if (work > kMaxMultiplyAdds) return fail(s.name, "the transform of ", show(x.dims), " is too large");
  return {};
}

template <typename T>
std::string stft(const KernelArgs& args) {
  std::vector<TensorType> types;
  for (const TensorView& v : args.in) types.push_back(v.type);
  StftGeometry g;
  if (std::string e = stft_geometry(args.schema, types, args.attrs, g); !e.empty()) return e;
  std::vector<double> window;
  if (args.has(1))
    for (int64_t n = 0; n < g.frame; ++n) window.push_back(static_cast<double>(args.in[1].as<const T>()[n]));
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t f = 0; f < g.frames; ++f)
      transform<T>(x, (b * g.length + f * g.step) * g.channels, g.channels, g.frame, g.channels == 2,
                   window.empty() ? nullptr : window.data(), g.frame, false, g.bins, y,
                   (b * g.frames + f) * g.bins * 2, 2);
  return {};
}

// ---- MelWeightMatrix --------------------------------------------------------------------

std::string mel_sizes(const OpSchema& s, const AttrMap& a, int64_t& mel_bins, int64_t& dft_length) {
  mel_bins = a.get_int("num_mel_bins");
  dft_length = a.get_int("dft_length");
  if (mel_bins < 1) return fail(s.name, "num_mel_bins must be >= 1, got ", mel_bins);
  if (dft_length < 1) return fail(s.name, "dft_length must be >= 1, got ", dft_length);
  if (mel_bins > kMaxWindow || dft_length > kMaxWindow ||
      static_cast<double>(mel_bins) * static_cast<double>(dft_length / 2 + 1) > static_cast<double>(kMaxWindow))
    return fail(s.name, "the matrix [", dft_length / 2 + 1, ",", mel_bins, "] is too large");
  return {};
}

double hertz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double mel_to_hertz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

std::string mel(const KernelArgs& args) {
  const std::string_view op = args.name();
  int64_t mel_bins = 0, dft_length = 0;
  if (std::string e = mel_sizes(args.schema, args.attrs, mel_bins, dft_length); !e.empty()) return e;
  double lower = read_float_scalar(args.in[0]), upper = read_float_scalar(args.in[1]);
  int64_t rate = read_int_scalar(args.in[2]);
  if (rate < 1) return fail(op, "sample_rate must be >= 1, got ", rate);
  if (!(lower >= 0) || !(upper >= lower) || !std::isfinite(upper))
    return fail(op, "need 0 <= lower_edge_hertz <= upper_edge_hertz, got ", lower, " and ", upper);
  int64_t spectrum_bins = dft_length / 2 + 1;
  // num_mel_bins + 2 points evenly spaced in mel from the lower edge (the last one short of
  // the upper edge, as ONNX defines it), each mapped to the spectrum bin below it.
  double low = hertz_to_mel(lower), high = hertz_to_mel(upper);
  double step = (high - low) / static_cast<double>(mel_bins + 2);
  std::vector<int64_t> edge(static_cast<size_t>(mel_bins + 2));
  for (int64_t i = 0; i < mel_bins + 2; ++i) {
    double hz = mel_to_hertz(static_cast<double>(i) * step + low);
    double bin = std::floor(static_cast<double>(dft_length + 1) * hz / static_cast<double>(rate));
    if (!(bin >= 0) || bin >= static_cast<double>(spectrum_bins))
      return fail(op, "mel edge ", i, " falls on spectrum bin ", bin, ", outside [0, ", spectrum_bins, ")");
    edge[static_cast<size_t>(i)] = static_cast<int64_t>(bin);
  }
  const TensorView& out = args.out[0];
  for (int64_t i = 0; i < spectrum_bins * mel_bins; ++i) store(out, i, 0.0);
  for (int64_t m = 0; m < mel_bins; ++m) {
    int64_t left = edge[static_cast<size_t>(m)], center = edge[static_cast<size_t>(m + 1)],
            right = edge[static_cast<size_t>(m + 2)];
    // Rising edge from left to center (inclusive), falling edge from center to right
    // (exclusive), which overwrites the center with 1.
    if (center == left) {
      store(out, center * mel_bins + m, 1.0);
    } else {
      for (int64_t j = left; j <= center; ++j)
        store(out, j * mel_bins + m, static_cast<double>(j - left) / static_cast<double>(center - left));
    }
    for (int64_t j = center; j < right; ++j)
      store(out, j * mel_bins + m, static_cast<double>(right - j) / static_cast<double>(right - center));
  }
  return {};
}

}  // namespace

// ---- shape rules ------------------------------------------------------------------------

// [length] of the element type `dtype`; `size` must be an int32/int64 scalar.
std::string shape_signal_window(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                                std::vector<TensorType>& out) {
  if (!is_int_type(in[0].dtype) || !is_scalar(in[0]))
    return fail(s.name, "size must be an int32 or int64 scalar, got ", to_string(in[0]));
  int64_t length = a.get_int("length");
  if (length < 0 || length > kMaxWindow) return fail(s.name, "length must be in [0, ", kMaxWindow, "], got ", length);
  DType t{};
  if (std::string e = result_dtype(s, a, t); !e.empty()) return e;
  out = {TensorType{t, {length}}};
  return {};
}

// The input's shape with the axis extent replaced by the number of bins and a last
// dimension of 2.
std::string shape_signal_dft(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                             std::vector<TensorType>& out) {
  DftGeometry g;
  if (std::string e = dft_geometry(s, in[0], a, g); !e.empty()) return e;
  Dims dims = in[0].dims;
  dims[static_cast<size_t>(g.axis)] = g.out_len;
  dims.back() = 2;
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

// [batch, frames, bins, 2].
std::string shape_signal_stft(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                              std::vector<TensorType>& out) {
  StftGeometry g;
  if (std::string e = stft_geometry(s, in, a, g); !e.empty()) return e;
  out = {TensorType{in[0].dtype, {g.batch, g.frames, g.bins, 2}}};
  return {};
}

// [dft_length / 2 + 1, num_mel_bins] of `dtype`; the edges are float scalars of one type,
// sample_rate an int32/int64 scalar.
std::string shape_signal_mel(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                             std::vector<TensorType>& out) {
  if (!is_float_type(in[0].dtype) || !is_scalar(in[0]) || in[1].dtype != in[0].dtype || !is_scalar(in[1]))
    return fail(s.name, "lower_edge_hertz and upper_edge_hertz must be float scalars of one type, got ",
                to_string(in[0]), " and ", to_string(in[1]));
  if (!is_int_type(in[2].dtype) || !is_scalar(in[2]))
    return fail(s.name, "sample_rate must be an int32 or int64 scalar, got ", to_string(in[2]));
  int64_t mel_bins = 0, dft_length = 0;
  if (std::string e = mel_sizes(s, a, mel_bins, dft_length); !e.empty()) return e;
  DType t{};
  if (std::string e = result_dtype(s, a, t); !e.empty()) return e;
  out = {TensorType{t, {dft_length / 2 + 1, mel_bins}}};
  return {};
}

// ---- kernels ----------------------------------------------------------------------------

std::string run_signal_window(const KernelArgs& args) {
  int64_t length = args.attrs.get_int("length");
  int64_t given = read_int_scalar(args.in[0]);
  if (given != length) return fail(args.name(), "size is ", given, " but the computation was built for ", length);
  bool periodic = args.attrs.get_int("periodic", 1) != 0;
  int64_t denominator = periodic ? length : length - 1;
  for (int64_t n = 0; n < length; ++n) store(args.out[0], n, window_value(args.schema.kind, n, denominator));
  return {};
}

std::string run_signal_dft(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_floating_point_v<T>) return dft<T>(args);
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  });
}

std::string run_signal_stft(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_floating_point_v<T>) return stft<T>(args);
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  });
}

std::string run_signal_mel(const KernelArgs& args) { return mel(args); }

}  // namespace halo::sem::kernels
