// rnn.cc - the recurrent layers LSTM, GRU and RNN (ONNX opset 22 semantics), written
// from the ONNX operator specification.
//
// All three run the same outer loops: for each direction and each batch entry, step
// through that entry's sequence (sequence_lens[b] steps, forward or backward in time),
// keeping the hidden state h (and LSTM's cell state c) in doubles. Each step first forms,
// for every gate row, the input part x_t W^T + Wb and the recurrent part h R^T + Rb; the
// op then combines them into gates. Y holds the hidden state of every step (zero after
// the end of a shorter sequence), Y_h and Y_c the final states.
//
// ONNX's list attributes arrive as strings (see ops/rnn.toml): `activations` comma-joined
// names, `activation_alpha` / `activation_beta` comma-joined numbers that the functions
// taking that parameter consume in order.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// ---- activation functions -------------------------------------------------------------

enum class Fn { Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus };

// The functions ONNX lists for recurrent layers, whether they take alpha / beta, and
// the defaults when the node gives none (those of the ONNX operators of the same name;
// Affine and ScaledTanh have no ONNX operator: identity-like 1, 0 and 1, 1).
struct FnInfo {
  const char* name;
  Fn fn;
  bool takes_alpha, takes_beta;
  double alpha, beta;
};

constexpr FnInfo kFns[] = {
    {"Relu", Fn::Relu, false, false, 0, 0},
    {"Tanh", Fn::Tanh, false, false, 0, 0},
    {"Sigmoid", Fn::Sigmoid, false, false, 0, 0},
    {"Affine", Fn::Affine, true, true, 1.0, 0.0},
    {"LeakyRelu", Fn::LeakyRelu, true, false, 0.01, 0},
    {"ThresholdedRelu", Fn::ThresholdedRelu, true, false, 1.0, 0},
    {"ScaledTanh", Fn::ScaledTanh, true, true, 1.0, 1.0},
    {"HardSigmoid", Fn::HardSigmoid, true, true, 0.2, 0.5},
    {"Elu", Fn::Elu, true, false, 1.0, 0},
    {"Softsign", Fn::Softsign, false, false, 0, 0},
    {"Softplus", Fn::Softplus, false, false, 0, 0},
};

struct Activation {
  Fn fn = Fn::Tanh;
  double alpha = 0, beta = 0;
};

double apply(const Activation& a, double x) {
  switch (a.fn) {
    case Fn::Relu: return std::max(x, 0.0);
    case Fn::Tanh: return std::tanh(x);
    case Fn::Sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case Fn::Affine: return a.alpha * x + a.beta;
    case Fn::LeakyRelu: return x >= 0 ? x : a.alpha * x;
    case Fn::ThresholdedRelu: return x > a.alpha ? x : 0.0;
    case Fn::ScaledTanh: return a.alpha * std::tanh(a.beta * x);
    case Fn::HardSigmoid: return std::clamp(a.alpha * x + a.beta, 0.0, 1.0);
    case Fn::Elu: return x >= 0 ? x : a.alpha * (std::exp(x) - 1.0);
    case Fn::Softsign: return x / (1.0 + std::fabs(x));
    case Fn::Softplus: return std::log1p(std::exp(x));
  }
  return x;
}

// ---- the attributes, validated once for the shape rule and the kernels ------------------

struct Config {
  int64_t gates = 1;      // gate blocks in W and R: LSTM 4 (i, o, f, c), GRU 3 (z, r, h), RNN 1
  size_t fns = 1;         // activation functions per direction: LSTM 3, GRU 2, RNN 1
  int64_t dirs = 1;       // 2 for bidirectional
  bool reverse = false;   // direction == "reverse" (direction 1 of bidirectional is always reversed)
  int64_t layout = 0;
  double clip = 0;        // 0: none
  std::vector<Activation> acts;  // dirs * fns, direction-major
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  if (s.find_first_not_of(" \t") == std::string::npos) return out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(',', start);
    std::string item = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? std::string() : item.substr(b, e - b + 1));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The numbers of activation_alpha / activation_beta. They are ONNX float attributes, so
// they are read as float: the same value whether a model or an ODLA caller wrote them.
std::string parse_numbers(std::string_view op, const char* attr, const std::string& text, std::vector<double>& out) {
  for (const std::string& item : split_list(text)) {
    char* end = nullptr;
    float v = item.empty() ? 0.0f : std::strtof(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size())
      return fail(op, attr, " '", text, "' is not a comma-separated list of numbers");
    out.push_back(static_cast<double>(v));
  }
  return {};
}

std::string read_config(const OpSchema& s, const AttrMap& attrs, Config& c) {
  switch (s.kind) {
    case OpKind::LSTM: c.gates = 4, c.fns = 3; break;
    case OpKind::GRU: c.gates = 3, c.fns = 2; break;
    default: c.gates = 1, c.fns = 1; break;
  }
  std::string direction = attrs.get_string("direction", "forward");
  if (direction == "bidirectional") c.dirs = 2;
  else if (direction == "reverse") c.reverse = true;
  else if (direction != "forward")
    return fail(s.name, "direction '", direction, "' is not forward, reverse or bidirectional");
  c.layout = attrs.get_int("layout", 0);
  if (c.layout != 0 && c.layout != 1) return fail(s.name, "layout ", c.layout, " is not 0 or 1");
  c.clip = attrs.get_float("clip", 0.0);
  if (!(c.clip >= 0)) return fail(s.name, "clip ", c.clip, " must be positive (0: no clipping)");

  // Names: none means the op's defaults; one direction's worth is used for both
  // directions of a bidirectional layer (as onnxruntime accepts).
  std::vector<std::string> names = split_list(attrs.get_string("activations"));
  if (names.empty()) {
    if (s.kind == OpKind::LSTM) names = {"Sigmoid", "Tanh", "Tanh"};
    else if (s.kind == OpKind::GRU) names = {"Sigmoid", "Tanh"};
    else names = {"Tanh"};
  }
  if (names.size() != c.fns && names.size() != c.fns * static_cast<size_t>(c.dirs))
    return fail(s.name, "activations lists ", names.size(), " functions, expected ", c.fns,
                c.dirs == 2 ? " or " + std::to_string(2 * c.fns) : std::string(), " (", direction, ")");
  std::vector<double> alphas, betas;
  if (std::string err = parse_numbers(s.name, "activation_alpha", attrs.get_string("activation_alpha"), alphas); !err.empty())
    return err;
  if (std::string err = parse_numbers(s.name, "activation_beta", attrs.get_string("activation_beta"), betas); !err.empty())
    return err;
  size_t next_alpha = 0, next_beta = 0;
  for (const std::string& name : names) {
    const FnInfo* info = nullptr;
    for (const FnInfo& f : kFns)
      if (lower(f.name) == lower(name)) info = &f;
    if (!info) return fail(s.name, "unknown activation function '", name, "'");
    Activation a{info->fn, info->alpha, info->beta};
    if (info->takes_alpha && next_alpha < alphas.size()) a.alpha = alphas[next_alpha++];
    if (info->takes_beta && next_beta < betas.size()) a.beta = betas[next_beta++];
    c.acts.push_back(a);
  }
  if (next_alpha < alphas.size() || next_beta < betas.size())
    return fail(s.name, "activation_alpha/activation_beta give more values than the activations take");
  if (c.acts.size() < c.fns * static_cast<size_t>(c.dirs)) {
    std::vector<Activation> one = c.acts;
    c.acts.insert(c.acts.end(), one.begin(), one.end());
  }
  return {};
}

// Operand positions (ONNX order; GRU and RNN stop after initial_h).
constexpr size_t kX = 0, kW = 1, kR = 2, kB = 3, kLens = 4, kH0 = 5, kC0 = 6, kP = 7;

int64_t times(int64_t a, int64_t b) { return a < 0 || b < 0 ? -1 : a * b; }

// `got` must equal `want` where both extents are known.
std::string expect_dims(std::string_view op, const char* name, const Dims& got, const Dims& want) {
  bool ok = got.size() == want.size();
  for (size_t i = 0; ok && i < got.size(); ++i) ok = got[i] < 0 || want[i] < 0 || got[i] == want[i];
  if (!ok) return fail(op, name, " has shape ", show(got), ", expected ", show(want));
  return {};
}

// ---- the recurrence ---------------------------------------------------------------------

// Operand `i` as doubles, or `n` zeros when it is absent (ONNX's default for B,
// initial_h, initial_c and P).
template <typename T>
std::vector<double> load(const KernelArgs& args, size_t i, int64_t n) {
  std::vector<double> v(static_cast<size_t>(n), 0.0);
  if (args.has(i)) {
    const T* p = args.in[i].as<const T>();
    for (int64_t k = 0; k < n; ++k) v[static_cast<size_t>(k)] = static_cast<double>(p[k]);
  }
  return v;
}

template <typename T>
std::string recur(const KernelArgs& args, const Config& c) {
  const OpKind kind = args.schema.kind;
  const Dims& xd = args.in[kX].type.dims;
  const int64_t S = c.layout ? xd[1] : xd[0], N = c.layout ? xd[0] : xd[1], I = xd[2];
  const int64_t H = args.in[kR].type.dims[2], G = c.gates, D = c.dirs;
  const bool lbr = kind == OpKind::GRU && args.attrs.get_int("linear_before_reset", 0) != 0;
  const bool input_forget = kind == OpKind::LSTM && args.attrs.get_int("input_forget", 0) != 0;

  std::vector<double> X = load<T>(args, kX, S * N * I), W = load<T>(args, kW, D * G * H * I),
                      R = load<T>(args, kR, D * G * H * H), B = load<T>(args, kB, D * 2 * G * H),
                      H0 = load<T>(args, kH0, D * N * H);
  std::vector<double> C0, P;
  if (kind == OpKind::LSTM) C0 = load<T>(args, kC0, D * N * H), P = load<T>(args, kP, D * 3 * H);

  std::vector<int64_t> lens(static_cast<size_t>(N), S);
  if (args.has(kLens)) {
    const TensorView& l = args.in[kLens];
    for (int64_t b = 0; b < N; ++b) {
      int64_t v = l.type.dtype == DType::i64 ? l.as<const int64_t>()[b] : l.as<const int32_t>()[b];
      if (v < 0 || v > S) return fail(args.name(), "sequence_lens[", b, "] = ", v, " is not in [0, ", S, "]");
      lens[static_cast<size_t>(b)] = v;
    }
  }

  auto x_at = [&](int64_t t, int64_t b) { return (c.layout ? b * S + t : t * N + b) * I; };
  auto y_at = [&](int64_t t, int64_t d, int64_t b) { return ((c.layout ? (b * S + t) * D + d : (t * D + d) * N + b)) * H; };
  auto state_at = [&](int64_t d, int64_t b) { return (c.layout ? b * D + d : d * N + b) * H; };
  // clip bounds the gates' pre-activations; LSTM's cell state enters h unclipped (as in
  // onnxruntime: the spec's "input of activations" does not say otherwise for Ct).
  auto act = [&](int64_t d, size_t k, double v, bool clipped = true) {
    if (clipped && c.clip > 0) v = std::clamp(v, -c.clip, c.clip);
    return apply(c.acts[static_cast<size_t>(d) * c.fns + k], v);
  };

  T* Y = args.out[0].as<T>();
  T* Yh = args.out[1].as<T>();
  T* Yc = kind == OpKind::LSTM ? args.out[2].as<T>() : nullptr;
  std::fill(Y, Y + args.out[0].type.num_elements(), T(0));  // steps past a sequence's end

  const int64_t GH = G * H;
  std::vector<double> h(static_cast<size_t>(H)), cell(static_cast<size_t>(H)), next(static_cast<size_t>(H));
  std::vector<double> xw(static_cast<size_t>(GH)), hr(static_cast<size_t>(GH)), gate_r(static_cast<size_t>(H));
  for (int64_t d = 0; d < D; ++d) {
    const bool backward = c.reverse || d == 1;
    const double* w = W.data() + d * GH * I;
    const double* r = R.data() + d * GH * H;
    const double* wb = B.data() + d * 2 * GH;
    const double* rb = wb + GH;
    for (int64_t b = 0; b < N; ++b) {
      const int64_t L = lens[static_cast<size_t>(b)];
      for (int64_t j = 0; j < H; ++j) {
        h[static_cast<size_t>(j)] = H0[static_cast<size_t>(state_at(d, b) + j)];
        if (kind == OpKind::LSTM) cell[static_cast<size_t>(j)] = C0[static_cast<size_t>(state_at(d, b) + j)];
      }
      for (int64_t step = 0; step < L; ++step) {
        const int64_t t = backward ? L - 1 - step : step;
        const double* x = X.data() + x_at(t, b);
        // xw = x_t W^T + Wb and hr = h R^T + Rb, one entry per gate row.
        for (int64_t row = 0; row < GH; ++row) {
          double sx = wb[row], sh = rb[row];
          for (int64_t k = 0; k < I; ++k) sx += w[row * I + k] * x[k];
          for (int64_t k = 0; k < H; ++k) sh += r[row * H + k] * h[static_cast<size_t>(k)];
          xw[static_cast<size_t>(row)] = sx;
          hr[static_cast<size_t>(row)] = sh;
        }
        auto pre = [&](int64_t gate, int64_t j) {
          auto at = static_cast<size_t>(gate * H + j);
          return xw[at] + hr[at];
        };
        if (kind == OpKind::LSTM) {
          // Gates i, o, f, c; peepholes p_i, p_o, p_f. f = f, g = g, h = h of the spec.
          const double* p = P.data() + d * 3 * H;
          for (int64_t j = 0; j < H; ++j) {
            double c_prev = cell[static_cast<size_t>(j)];
            double i_g = act(d, 0, pre(0, j) + p[j] * c_prev);
            double f_g = input_forget ? 1.0 - i_g : act(d, 0, pre(2, j) + p[2 * H + j] * c_prev);
            double c_in = act(d, 1, pre(3, j));
            double c_new = f_g * c_prev + i_g * c_in;
            double o_g = act(d, 0, pre(1, j) + p[H + j] * c_new);
            cell[static_cast<size_t>(j)] = c_new;
            next[static_cast<size_t>(j)] = o_g * act(d, 2, c_new, false);
          }
        } else if (kind == OpKind::GRU) {
          // Gates z, r, h. Without linear_before_reset the reset gate scales h before
          // the recurrent product of the h gate, so that product is formed here.
          for (int64_t j = 0; j < H; ++j) gate_r[static_cast<size_t>(j)] = act(d, 0, pre(1, j));
          for (int64_t j = 0; j < H; ++j) {
            double z = act(d, 0, pre(0, j));
            double rec;
            if (lbr) {
              rec = gate_r[static_cast<size_t>(j)] * hr[static_cast<size_t>(2 * H + j)];
            } else {
              rec = rb[2 * H + j];
              for (int64_t k = 0; k < H; ++k)
                rec += r[(2 * H + j) * H + k] * gate_r[static_cast<size_t>(k)] * h[static_cast<size_t>(k)];
            }
            double cand = act(d, 1, xw[static_cast<size_t>(2 * H + j)] + rec);
            next[static_cast<size_t>(j)] = (1.0 - z) * cand + z * h[static_cast<size_t>(j)];
          }
        } else {
          for (int64_t j = 0; j < H; ++j) next[static_cast<size_t>(j)] = act(d, 0, pre(0, j));
        }
        h = next;
        for (int64_t j = 0; j < H; ++j) Y[y_at(t, d, b) + j] = static_cast<T>(h[static_cast<size_t>(j)]);
      }
      for (int64_t j = 0; j < H; ++j) {
        Yh[state_at(d, b) + j] = static_cast<T>(h[static_cast<size_t>(j)]);
        if (Yc) Yc[state_at(d, b) + j] = static_cast<T>(cell[static_cast<size_t>(j)]);
      }
    }
  }
  return {};
}

std::string run(const KernelArgs& args) {
  Config c;
  if (std::string err = read_config(args.schema, args.attrs, c); !err.empty()) return err;
  return with_dtype(args.schema, args.in[kX].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_floating_point_v<T>) return recur<T>(args, c);
    else return dtype_not_implemented(args.schema, args.in[kX].type.dtype);
  });
}

}  // namespace

// One rule for the three ops: they differ in the gate count and in LSTM's extra
// operands (initial_c, P) and result (Y_c).
std::string shape_rnn(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                      std::vector<TensorType>& out) {
  Config c;
  if (std::string err = read_config(s, attrs, c); !err.empty()) return err;
  auto given = [&](size_t i) { return i < in.size() && in[i].present(); };
  const TensorType& x = in[kX];
  const char* names[] = {"X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"};
  for (size_t i = 0; i < in.size(); ++i) {
    if (!given(i)) continue;
    if (i == kLens) {
      if (in[i].dtype != DType::i32 && in[i].dtype != DType::i64)
        return fail(s.name, "sequence_lens has element type ", dtype_name(in[i].dtype), ", expected i32");
    } else if (in[i].dtype != x.dtype) {
      return fail(s.name, "operand ", names[i], " has element type ", dtype_name(in[i].dtype), ", expected ",
                  dtype_name(x.dtype), " like X");
    }
  }
  for (size_t i : {kX, kW, kR})
    if (in[i].rank() != 3) return fail(s.name, names[i], " must have rank 3, it has rank ", in[i].rank());
  const int64_t S = c.layout ? x.dims[1] : x.dims[0], N = c.layout ? x.dims[0] : x.dims[1], I = x.dims[2];
  int64_t H = in[kR].dims[2];
  const int64_t hidden_size = attrs.get_int("hidden_size", 0);
  if (hidden_size < 0) return fail(s.name, "hidden_size ", hidden_size, " is negative");
  if (hidden_size > 0) {
    if (H >= 0 && H != hidden_size) return fail(s.name, "hidden_size ", hidden_size, " differs from R's last extent ", H);
    H = hidden_size;
  }
  // Keeps gate row counts (and their products with H) far from int64 overflow.
  if (H > (int64_t{1} << 24)) return fail(s.name, "hidden size ", H, " is too large");
  const int64_t D = c.dirs, GH = times(c.gates, H);
  if (auto e = expect_dims(s.name, "W", in[kW].dims, {D, GH, I}); !e.empty()) return e;
  if (auto e = expect_dims(s.name, "R", in[kR].dims, {D, GH, H}); !e.empty()) return e;
  if (given(kB))
    if (auto e = expect_dims(s.name, "B", in[kB].dims, {D, times(2, GH)}); !e.empty()) return e;
  if (given(kLens))
    if (auto e = expect_dims(s.name, "sequence_lens", in[kLens].dims, {N}); !e.empty()) return e;
  const Dims state = c.layout ? Dims{N, D, H} : Dims{D, N, H};
  for (size_t i : {kH0, kC0})
    if (given(i))
      if (auto e = expect_dims(s.name, names[i], in[i].dims, state); !e.empty()) return e;
  if (given(kP))
    if (auto e = expect_dims(s.name, "P", in[kP].dims, {D, times(3, H)}); !e.empty()) return e;
  const Dims y = c.layout ? Dims{N, S, D, H} : Dims{S, D, N, H};
  out = {TensorType{x.dtype, y}, TensorType{x.dtype, state}};
  if (s.kind == OpKind::LSTM) out.push_back(TensorType{x.dtype, state});
  return {};
}

std::string run_lstm(const KernelArgs& args) { return run(args); }
std::string run_gru(const KernelArgs& args) { return run(args); }
std::string run_rnn(const KernelArgs& args) { return run(args); }

}  // namespace halo::sem::kernels
