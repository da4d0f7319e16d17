// attention.cc - Attention and AttentionWithCacheAndScores (ONNX opset 23/24) and
// RotaryEmbedding (opset 23), with their shape rules.
//
// Geometry. Q, K, V are either all 4-D [B, H, S, head] or all 3-D [B, S, H * head]
// (then q_num_heads and kv_num_heads give H for Q and for K/V). Q has Hq heads of size
// D and Sq positions; K and V have Hkv heads (Hq a multiple of Hkv: query head h reads
// key/value head h / (Hq / Hkv)), Skv positions and head sizes D and Dv. past_key /
// past_value are 4-D [B, Hkv, P, D] / [B, Hkv, P, Dv] and come before K / V, so the
// keys span T = P + Skv positions. Y is [B, Hq, Sq, Dv] (4-D) or [B, Sq, Hq * Dv] (3-D).
//
// For each (b, h, s) and key position t, evaluated in double:
//   score = scale * sum_d Q[b,h,s,d] K[b,h',t,d] + bias[b,h,s,t]
//   bias  = mask term (bool: 0 where true, -inf where false; float: its value; the mask
//           broadcasts to [B, Hq, Sq, T] NumPy-style except that a last axis shorter
//           than T is padded with false / -inf, as the ONNX reference does)
//         + -inf where is_causal and t > s + P
//         + -inf where nonpad_kv_seqlen is given and t >= nonpad_kv_seqlen[b]
//   softcap > 0: score = softcap * tanh(score / softcap)  (after the bias, as ONNX)
//   Y[b,h,s,:] = sum_t softmax_t(score) V[b,h',t,:]
// scale = 0 (the default) means 1 / sqrt(D). A row whose scores are all -inf gives NaN
// (0 / 0), as the ONNX reference does.
//
// AttentionWithCacheAndScores computes the same Y and also
//   present_key[b,h',t,:] = key t of kv head h' (past rows first), [B, Hkv, T, D]
//   present_value likewise, [B, Hkv, T, Dv] (always 4-D, also for 3-D operands)
//   qk_matmul_output[b,h,s,t] = the score at the stage qk_matmul_output_mode names:
//     0 scale * Q.K, 1 plus bias, 2 after softcap, 3 the softmax weight.
// f16 and bf16 operands are widened (run_widened): read exactly into double, each result
// rounded once (nearest even).
//
// RotaryEmbedding. X is 4-D [B, H, S, hs] or 3-D [B, S, H * hs] (num_heads gives H).
// rd = rotary_embedding_dim (0: hs) must be even; half = rd / 2. The caches are
// [max_position, half] indexed by position_ids[b, s], or [B, S, half] without
// position_ids. For each head vector x and j < half, with c / s the cache row's j-th
// cos / sin and (i1, i2) = (2j, 2j + 1) if interleaved else (j, j + half):
//   y[i1] = c x[i1] - s x[i2],  y[i2] = s x[i1] + c x[i2];  y[i] = x[i] for i >= rd.
#include <cmath>
#include <limits>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

constexpr int64_t kUnknown = kUnknownDim;

bool known(int64_t d) { return d != kUnknown; }
bool same_extent(int64_t a, int64_t b) { return a == b || !known(a) || !known(b); }
int64_t mul(int64_t a, int64_t b) { return known(a) && known(b) ? a * b : kUnknown; }

enum Operand : size_t { kQ = 0, kK, kV, kMask, kPastK, kPastV, kNonpad };

struct Geometry {
  bool three_d = false;
  int64_t B = 0, Hq = 0, Hkv = 0, Sq = 0, Skv = 0, P = 0, T = 0, D = 0, Dv = 0;
};

bool given(Types in, size_t i) { return i < in.size() && in[i].present(); }

// Splits a 3-D hidden extent into `heads` heads; unknown stays unknown.
std::string split_heads(const OpSchema& s, const char* name, int64_t hidden, int64_t heads, int64_t& head) {
  if (!known(hidden)) {
    head = kUnknown;
    return {};
  }
  if (hidden % heads != 0)
    return fail(s.name, "the hidden size ", hidden, " of ", name, " is not divisible by its ", heads, " heads");
  head = hidden / heads;
  return {};
}

std::string read_geometry(const OpSchema& s, Types in, const AttrMap& attrs, Geometry& g) {
  const Dims &q = in[kQ].dims, &k = in[kK].dims, &v = in[kV].dims;
  if (!(q.size() == 3 || q.size() == 4) || k.size() != q.size() || v.size() != q.size())
    return fail(s.name, "Q, K and V must all be 3-D or all 4-D, got ", show(q), ", ", show(k), ", ", show(v));
  for (size_t i = 0; i < 3; ++i)
    if (in[i].dtype != in[kQ].dtype)
      return fail(s.name, "operand ", s.operands[i].name, " has element type ", dtype_name(in[i].dtype),
                  ", expected ", dtype_name(in[kQ].dtype), " like Q");
  g.three_d = q.size() == 3;
  g.B = q[0];
  if (!same_extent(k[0], g.B) || !same_extent(v[0], g.B))
    return fail(s.name, "Q, K and V must have the same batch size, got ", show(q), ", ", show(k), ", ", show(v));
  int64_t dk = 0;
  if (g.three_d) {
    g.Hq = attrs.get_int("q_num_heads", 0);
    g.Hkv = attrs.get_int("kv_num_heads", 0);
    if (g.Hq < 1 || g.Hkv < 1)
      return fail(s.name, "3-D Q, K, V need q_num_heads and kv_num_heads >= 1, got ", g.Hq, " and ", g.Hkv);
    g.Sq = q[1];
    g.Skv = k[1];
    if (!same_extent(v[1], k[1])) return fail(s.name, "K ", show(k), " and V ", show(v), " differ in sequence length");
    if (std::string err = split_heads(s, "Q", q[2], g.Hq, g.D); !err.empty()) return err;
    if (std::string err = split_heads(s, "K", k[2], g.Hkv, dk); !err.empty()) return err;
    if (std::string err = split_heads(s, "V", v[2], g.Hkv, g.Dv); !err.empty()) return err;
  } else {
    g.Hq = q[1];
    g.Hkv = k[1];
    if (!same_extent(v[1], k[1])) return fail(s.name, "K ", show(k), " and V ", show(v), " differ in head count");
    g.Sq = q[2];
    g.Skv = k[2];
    if (!same_extent(v[2], k[2])) return fail(s.name, "K ", show(k), " and V ", show(v), " differ in sequence length");
    g.D = q[3];
    dk = k[3];
    g.Dv = v[3];
  }
  if (!same_extent(g.D, dk)) return fail(s.name, "Q and K head sizes differ: ", g.D, " vs ", dk);
  if (known(g.Hq) && known(g.Hkv) && (g.Hkv < 1 || g.Hq % g.Hkv != 0))
    return fail(s.name, "the ", g.Hq, " query heads are not a multiple of the ", g.Hkv, " key/value heads");
  // Past key / value.
  bool pk = given(in, kPastK), pv = given(in, kPastV);
  if (pk != pv) return fail(s.name, "past_key and past_value must be given together");
  g.P = 0;
  if (pk) {
    const Dims &a = in[kPastK].dims, &b = in[kPastV].dims;
    if (in[kPastK].dtype != in[kQ].dtype || in[kPastV].dtype != in[kQ].dtype)
      return fail(s.name, "past_key and past_value must have the element type of Q");
    bool ok = a.size() == 4 && b.size() == 4 && same_extent(a[0], g.B) && same_extent(b[0], g.B) &&
              same_extent(a[1], g.Hkv) && same_extent(b[1], g.Hkv) && same_extent(a[2], b[2]) &&
              same_extent(a[3], g.D) && same_extent(b[3], g.Dv);
    if (!ok)
      return fail(s.name, "past_key ", show(a), " / past_value ", show(b), " must be [", g.B, ",", g.Hkv,
                  ",P,", g.D, "] / [", g.B, ",", g.Hkv, ",P,", g.Dv, "]");
    g.P = a[2];
  }
  g.T = known(g.P) && known(g.Skv) ? g.P + g.Skv : kUnknown;
  // Mask.
  if (given(in, kMask)) {
    const TensorType& m = in[kMask];
    if (m.dtype != DType::boolean && m.dtype != in[kQ].dtype)
      return fail(s.name, "attn_mask must be bool or the element type of Q, got ", dtype_name(m.dtype));
    if (m.dims.empty() || m.dims.size() > 4)
      return fail(s.name, "attn_mask must have rank 1 to 4, got ", show(m.dims));
    const Dims want = {g.B, g.Hq, g.Sq, g.T};
    size_t off = 4 - m.dims.size();
    for (size_t i = 0; i < m.dims.size(); ++i) {
      int64_t d = m.dims[i], w = want[off + i];
      bool last = i + 1 == m.dims.size();
      bool ok = last ? (!known(d) || !known(w) || d <= w) : (d == 1 || same_extent(d, w));
      if (!ok)
        return fail(s.name, "attn_mask ", show(m.dims), " does not broadcast to ", show(want),
                    " (its last axis may be shorter than the ", g.T, " key positions)");
    }
  }
  if (given(in, kNonpad)) {
    const TensorType& n = in[kNonpad];
    if (n.dtype != DType::i64 || n.dims.size() != 1 || !same_extent(n.dims[0], g.B))
      return fail(s.name, "nonpad_kv_seqlen must be int64 [", g.B, "], got ", dtype_name(n.dtype), " ",
                  show(n.dims));
  }
  double softcap = attrs.get_float("softcap", 0.0);
  if (!(softcap >= 0)) return fail(s.name, "softcap must be >= 0, got ", softcap);
  int64_t mode = attrs.get_int("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3) return fail(s.name, "qk_matmul_output_mode must be 0, 1, 2 or 3, got ", mode);
  return {};
}

// Linear offset of mask element for result position (b, h, s, t), or -1 when t falls
// into the padding of a short last axis.
struct MaskIndexer {
  Dims dims, strides;
  MaskIndexer(const Dims& d) : dims(d), strides(row_major_strides(d)) {}
  int64_t operator()(int64_t b, int64_t h, int64_t s, int64_t t) const {
    const int64_t coord[4] = {b, h, s, t};
    size_t off = 4 - dims.size();
    if (t >= dims.back()) return -1;
    int64_t at = 0;
    for (size_t i = 0; i < dims.size(); ++i)
      if (dims[i] != 1) at += coord[off + i] * strides[i];
    return at;
  }
};

template <typename T>
std::string attention(const KernelArgs& args) {
  std::vector<TensorType> types;
  for (const TensorView& v : args.in) types.push_back(v.type);
  Geometry g;
  if (std::string err = read_geometry(args.schema, types, args.attrs, g); !err.empty()) return err;
  const int64_t B = g.B, Hq = g.Hq, Hkv = g.Hkv, Sq = g.Sq, Skv = g.Skv, P = g.P, Tn = g.T, D = g.D, Dv = g.Dv;
  const int64_t group = Hq / Hkv;
  double scale = args.attrs.get_float("scale", 0.0);
  if (scale == 0.0) scale = 1.0 / std::sqrt(static_cast<double>(D));
  const double softcap = args.attrs.get_float("softcap", 0.0);
  const bool causal = args.attrs.get_int("is_causal", 0) != 0;
  const double neg_inf = -std::numeric_limits<double>::infinity();

  const T* q = args.in[kQ].as<const T>();
  const T* k = args.in[kK].as<const T>();
  const T* v = args.in[kV].as<const T>();
  const T* past_k = args.has(kPastK) ? args.in[kPastK].as<const T>() : nullptr;
  const T* past_v = args.has(kPastV) ? args.in[kPastV].as<const T>() : nullptr;
  const bool has_mask = args.has(kMask);
  const bool bool_mask = has_mask && args.in[kMask].type.dtype == DType::boolean;
  MaskIndexer mask_at(has_mask ? args.in[kMask].type.dims : Dims{1});
  const int64_t* nonpad = args.has(kNonpad) ? args.in[kNonpad].as<const int64_t>() : nullptr;
  T* y = args.out[0].as<T>();
  // AttentionWithCacheAndScores: the cache and the scores.
  const bool extra = args.out.size() == 4;
  T* present_k = extra ? args.out[1].as<T>() : nullptr;
  T* present_v = extra ? args.out[2].as<T>() : nullptr;
  T* qk_out = extra ? args.out[3].as<T>() : nullptr;
  const int64_t qk_mode = args.attrs.get_int("qk_matmul_output_mode", 0);

  // Offsets of one head vector (its element 0) in each tensor.
  auto q_at = [&](int64_t b, int64_t h, int64_t s) {
    return g.three_d ? ((b * Sq + s) * Hq + h) * D : ((b * Hq + h) * Sq + s) * D;
  };
  auto kv_at = [&](int64_t b, int64_t h, int64_t t, int64_t width) {
    return g.three_d ? ((b * Skv + t) * Hkv + h) * width : ((b * Hkv + h) * Skv + t) * width;
  };
  auto key = [&](int64_t b, int64_t h, int64_t t) -> const T* {
    return t < P ? past_k + ((b * Hkv + h) * P + t) * D : k + kv_at(b, h, t - P, D);
  };
  auto value = [&](int64_t b, int64_t h, int64_t t) -> const T* {
    return t < P ? past_v + ((b * Hkv + h) * P + t) * Dv : v + kv_at(b, h, t - P, Dv);
  };

  if (extra)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t h = 0; h < Hkv; ++h)
        for (int64_t t = 0; t < Tn; ++t) {
          for (int64_t d = 0; d < D; ++d) present_k[((b * Hkv + h) * Tn + t) * D + d] = key(b, h, t)[d];
          for (int64_t e = 0; e < Dv; ++e) present_v[((b * Hkv + h) * Tn + t) * Dv + e] = value(b, h, t)[e];
        }

  std::vector<double> score(static_cast<size_t>(Tn));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      const int64_t hk = h / group;
      for (int64_t s = 0; s < Sq; ++s) {
        const T* qv = q + q_at(b, h, s);
        // Row (b, h, s) of qk_matmul_output.
        T* qk_row = extra ? qk_out + ((b * Hq + h) * Sq + s) * Tn : nullptr;
        for (int64_t t = 0; t < Tn; ++t) {
          const T* kv = key(b, hk, t);
          double dot = 0;
          for (int64_t d = 0; d < D; ++d) dot += static_cast<double>(qv[d]) * static_cast<double>(kv[d]);
          double bias = 0;
          if (has_mask) {
            int64_t at = mask_at(b, h, s, t);
            if (at < 0)
              bias = neg_inf;
            else if (bool_mask)
              bias = args.in[kMask].as<const uint8_t>()[at] ? 0.0 : neg_inf;
            else
              bias = static_cast<double>(args.in[kMask].as<const T>()[at]);
          }
          if (causal && t > s + P) bias += neg_inf;
          if (nonpad && t >= nonpad[b]) bias += neg_inf;
          double x = dot * scale + bias;
          if (qk_row && qk_mode == 0) qk_row[t] = static_cast<T>(dot * scale);
          if (qk_row && qk_mode == 1) qk_row[t] = static_cast<T>(x);
          if (softcap > 0) x = softcap * std::tanh(x / softcap);
          if (qk_row && qk_mode == 2) qk_row[t] = static_cast<T>(x);
          score[static_cast<size_t>(t)] = x;
        }
        double mx = neg_inf;
        for (double x : score) mx = std::max(mx, x);
        double sum = 0;
        for (double& x : score) {
          x = std::exp(x - mx);
          sum += x;
        }
        if (qk_row && qk_mode == 3)
          for (int64_t t = 0; t < Tn; ++t) qk_row[t] = static_cast<T>(score[static_cast<size_t>(t)] / sum);
        T* out = y + (g.three_d ? ((b * Sq + s) * Hq + h) * Dv : ((b * Hq + h) * Sq + s) * Dv);
        for (int64_t e = 0; e < Dv; ++e) {
          double acc = 0;
          for (int64_t t = 0; t < Tn; ++t)
            acc += score[static_cast<size_t>(t)] / sum * static_cast<double>(value(b, hk, t)[e]);
          out[e] = static_cast<T>(acc);
        }
      }
    }
  return {};
}

// ---- RotaryEmbedding ---------------------------------------------------------------------

enum RotaryOperand : size_t { kX = 0, kCos, kSin, kPos };

struct RotaryGeometry {
  bool three_d = false;
  int64_t B = 0, H = 0, S = 0, hs = 0, rd = 0;
};

std::string read_rotary(const OpSchema& s, Types in, const AttrMap& attrs, RotaryGeometry& g) {
  const Dims& x = in[kX].dims;
  if (x.size() != 3 && x.size() != 4) return fail(s.name, "X must be 3-D or 4-D, got ", show(x));
  if (in[kCos].dtype != in[kX].dtype || in[kSin].dtype != in[kX].dtype)
    return fail(s.name, "cos_cache and sin_cache must have the element type of X");
  g.three_d = x.size() == 3;
  g.B = x[0];
  if (g.three_d) {
    g.H = attrs.get_int("num_heads", 0);
    if (g.H < 1) return fail(s.name, "3-D X needs num_heads >= 1, got ", g.H);
    g.S = x[1];
    if (std::string err = split_heads(s, "X", x[2], g.H, g.hs); !err.empty()) return err;
  } else {
    g.H = x[1];
    g.S = x[2];
    g.hs = x[3];
  }
  int64_t rd = attrs.get_int("rotary_embedding_dim", 0);
  if (rd < 0) return fail(s.name, "rotary_embedding_dim must be >= 0, got ", rd);
  g.rd = rd == 0 ? g.hs : rd;
  if (known(g.rd) && g.rd % 2 != 0) return fail(s.name, "the rotated size ", g.rd, " must be even");
  if (known(g.rd) && known(g.hs) && g.rd > g.hs)
    return fail(s.name, "rotary_embedding_dim ", g.rd, " exceeds the head size ", g.hs);
  const int64_t half = known(g.rd) ? g.rd / 2 : kUnknown;
  const Dims &c = in[kCos].dims, &sn = in[kSin].dims;
  if (c.size() != sn.size())
    return fail(s.name, "cos_cache ", show(c), " and sin_cache ", show(sn), " differ in shape");
  for (size_t i = 0; i < c.size() && i < sn.size(); ++i)
    if (!same_extent(c[i], sn[i]))
      return fail(s.name, "cos_cache ", show(c), " and sin_cache ", show(sn), " differ in shape");
  if (given(in, kPos)) {
    const TensorType& p = in[kPos];
    if (p.dtype != DType::i64 || p.dims.size() != 2 || !same_extent(p.dims[0], g.B) || !same_extent(p.dims[1], g.S))
      return fail(s.name, "position_ids must be int64 [", g.B, ",", g.S, "], got ", dtype_name(p.dtype), " ",
                  show(p.dims));
    if (c.size() != 2 || !same_extent(c[1], half))
      return fail(s.name, "with position_ids the caches must be [max_position, ", half, "], got ", show(c));
  } else {
    if (c.size() != 3 || !same_extent(c[0], g.B) || !same_extent(c[1], g.S) || !same_extent(c[2], half))
      return fail(s.name, "without position_ids the caches must be [", g.B, ",", g.S, ",", half, "], got ", show(c));
  }
  return {};
}

template <typename T>
std::string rotary(const KernelArgs& args) {
  std::vector<TensorType> types;
  for (const TensorView& v : args.in) types.push_back(v.type);
  RotaryGeometry g;
  if (std::string err = read_rotary(args.schema, types, args.attrs, g); !err.empty()) return err;
  const bool interleaved = args.attrs.get_int("interleaved", 0) != 0;
  const int64_t half = g.rd / 2;
  const T* x = args.in[kX].as<const T>();
  const T* cos_cache = args.in[kCos].as<const T>();
  const T* sin_cache = args.in[kSin].as<const T>();
  const int64_t* pos = args.has(kPos) ? args.in[kPos].as<const int64_t>() : nullptr;
  const int64_t max_pos = pos ? args.in[kCos].type.dims[0] : 0;
  T* y = args.out[0].as<T>();
  for (int64_t b = 0; b < g.B; ++b)
    for (int64_t s = 0; s < g.S; ++s) {
      // Row of the caches for this (batch, position).
      int64_t row = b * g.S + s;
      if (pos) {
        row = pos[b * g.S + s];
        if (row < 0 || row >= max_pos)
          return fail(args.name(), "position_ids[", b, ",", s, "] = ", row, " is outside the ", max_pos,
                      " cache rows");
      }
      const T* cr = cos_cache + row * half;
      const T* sr = sin_cache + row * half;
      for (int64_t h = 0; h < g.H; ++h) {
        int64_t base = g.three_d ? ((b * g.S + s) * g.H + h) * g.hs : ((b * g.H + h) * g.S + s) * g.hs;
        const T* xv = x + base;
        T* yv = y + base;
        for (int64_t j = 0; j < half; ++j) {
          int64_t i1 = interleaved ? 2 * j : j, i2 = interleaved ? 2 * j + 1 : j + half;
          double c = static_cast<double>(cr[j]), sn = static_cast<double>(sr[j]);
          double x1 = static_cast<double>(xv[i1]), x2 = static_cast<double>(xv[i2]);
          yv[i1] = static_cast<T>(c * x1 - sn * x2);
          yv[i2] = static_cast<T>(sn * x1 + c * x2);
        }
        for (int64_t i = g.rd; i < g.hs; ++i) yv[i] = xv[i];
      }
    }
  return {};
}

}  // namespace

std::string shape_attention(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  Geometry g;
  if (std::string err = read_geometry(s, in, attrs, g); !err.empty()) return err;
  TensorType y;
  y.dtype = in[kQ].dtype;
  y.dims = g.three_d ? Dims{g.B, g.Sq, mul(g.Hq, g.Dv)} : Dims{g.B, g.Hq, g.Sq, g.Dv};
  out = {y};
  if (s.results.size() == 4) {  // AttentionWithCacheAndScores
    const DType t = in[kQ].dtype;
    out.push_back(TensorType{t, {g.B, g.Hkv, g.T, g.D}});
    out.push_back(TensorType{t, {g.B, g.Hkv, g.T, g.Dv}});
    out.push_back(TensorType{t, {g.B, g.Hq, g.Sq, g.T}});
  }
  return {};
}

std::string run_attention(const KernelArgs& args) {
  // f16/bf16: computed in double on the exact values, each result rounded once.
  if (has_float16(args)) return run_widened(args, run_attention);
  return with_dtype(args.schema, args.in[kQ].type.dtype, [&]<typename T>() { return attention<T>(args); });
}

std::string shape_rotary_embedding(const OpSchema& s, Types in, const AttrMap& attrs, Outs& out) {
  RotaryGeometry g;
  if (std::string err = read_rotary(s, in, attrs, g); !err.empty()) return err;
  out = {in[kX]};
  return {};
}

std::string run_rotary_embedding(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_rotary_embedding);
  return with_dtype(args.schema, args.in[kX].type.dtype, [&]<typename T>() { return rotary<T>(args); });
}

}  // namespace halo::sem::kernels
