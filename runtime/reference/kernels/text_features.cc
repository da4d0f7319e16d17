// text_features.cc - TfIdfVectorizer (ops/text_features.toml), ONNX opset 9 semantics.
//
// The pool lists the n-grams to count: ngram_counts[k] is where the (k+1)-grams start in
// pool_int64s, and each n-gram gets the next id (from 0, in pool order, over all lengths);
// only lengths min_gram_length..max_gram_length are looked for. In each row, an n-gram
// is the items at i, i + d, ..., i + (n-1) d for a distance d = 1 .. max_skip_count + 1
// (unigrams once: the distance does not change them). Each occurrence of pool n-gram
// `id` adds one to column ngram_indexes[id]. The result is the counts (TF), 1 where the
// count is positive (IDF), or the counts (TFIDF), times the column's weight when weights
// are given.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr double kMaxWork = 4e9;  // n-gram probes per call

struct Tfidf {
  int64_t min_n = 0, max_n = 0, max_skip = 0, columns = 0;
  std::string mode;
  Dims indexes;
  std::map<Dims, int64_t> grams;  // n-gram -> id (counted lengths only)
};

std::string read_tfidf(const OpSchema& s, const AttrMap& a, Tfidf& t) {
  t.min_n = a.get_int("min_gram_length");
  t.max_n = a.get_int("max_gram_length");
  t.max_skip = a.get_int("max_skip_count");
  t.mode = a.get_string("mode");
  t.indexes = a.get_ints("ngram_indexes");
  Dims counts = a.get_ints("ngram_counts");
  Dims pool = a.get_ints("pool_int64s");
  if (t.mode != "TF" && t.mode != "IDF" && t.mode != "TFIDF")
    return fail(s.name, "mode must be TF, IDF or TFIDF, got '", t.mode, "'");
  if (t.min_n < 1 || t.max_n < t.min_n)
    return fail(s.name, "need 1 <= min_gram_length <= max_gram_length, got ", t.min_n, " and ", t.max_n);
  if (t.max_skip < 0) return fail(s.name, "max_skip_count must be >= 0, got ", t.max_skip);
  if (t.indexes.empty()) return fail(s.name, "ngram_indexes is empty");
  for (int64_t i : t.indexes)
    if (i < 0 || i > (int64_t{1} << 30)) return fail(s.name, "ngram_indexes entry ", i, " is out of range");
  t.columns = *std::max_element(t.indexes.begin(), t.indexes.end()) + 1;
  auto pool_size = static_cast<int64_t>(pool.size());
  for (size_t k = 0; k < counts.size(); ++k) {
    int64_t begin = counts[k], end = k + 1 < counts.size() ? counts[k + 1] : pool_size;
    if (begin < 0 || end < begin || end > pool_size)
      return fail(s.name, "ngram_counts ", show(counts), " does not split a pool of ", pool_size);
  }
  t.grams.clear();
  int64_t id = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    auto n = static_cast<int64_t>(k + 1);
    int64_t begin = counts[k], end = k + 1 < counts.size() ? counts[k + 1] : pool_size;
    for (int64_t g = begin; g + n <= end; g += n, ++id) {
      if (n < t.min_n || n > t.max_n) continue;
      if (id >= static_cast<int64_t>(t.indexes.size()))
        return fail(s.name, "the pool has more n-grams than ngram_indexes has entries (", t.indexes.size(), ")");
      t.grams[Dims(pool.begin() + g, pool.begin() + g + n)] = id;  // a repeated n-gram keeps the last id
    }
  }
  return {};
}

// Rows and row length of X: [C] and [] are one row.
void rows_of(const TensorType& x, int64_t& rows, int64_t& length) {
  rows = x.dims.size() == 2 ? x.dims[0] : 1;
  length = x.dims.empty() ? 1 : x.dims.back();
}

template <typename T>
std::string tfidf(const KernelArgs& args) {
  Tfidf t;
  if (std::string e = read_tfidf(args.schema, args.attrs, t); !e.empty()) return e;
  int64_t rows = 0, length = 0;
  rows_of(args.in[0].type, rows, length);
  const T* x = args.in[0].as<const T>();
  std::vector<int64_t> counts(static_cast<size_t>(rows * t.columns), 0);
  Dims gram;
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + r * length;
    for (int64_t n = t.min_n; n <= t.max_n; ++n) {
      int64_t distances = n == 1 ? 1 : t.max_skip + 1;
      for (int64_t d = 1; d <= distances; ++d) {
        for (int64_t i = 0; i + (n - 1) * d < length; ++i) {
          gram.clear();
          for (int64_t m = 0; m < n; ++m) gram.push_back(static_cast<int64_t>(row[i + m * d]));
          auto it = t.grams.find(gram);
          if (it != t.grams.end()) ++counts[static_cast<size_t>(r * t.columns + t.indexes[it->second])];
        }
      }
    }
  }
  const float* w = args.has(1) ? args.in[1].as<const float>() : nullptr;
  float* y = args.out[0].as<float>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < t.columns; ++c) {
      auto k = static_cast<size_t>(r * t.columns + c);
      double v = static_cast<double>(counts[k]);
      if (t.mode == "IDF") v = counts[k] > 0 ? 1.0 : 0.0;
      if (w && t.mode != "TF") v *= static_cast<double>(w[c]);
      y[k] = static_cast<float>(v);
    }
  }
  return {};
}

}  // namespace

// [columns] for X of rank 0 or 1, [rows, columns] for rank 2; always f32.
std::string shape_text_tfidf(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                             std::vector<TensorType>& out) {
  const TensorType& x = in[0];
  if (x.dtype != DType::i32 && x.dtype != DType::i64)
    return fail(s.name, "X must be int32 or int64, got ", to_string(x));
  if (x.dims.size() > 2) return fail(s.name, "X must be [C] or [B, C], got ", show(x.dims));
  for (int64_t d : x.dims)
    if (d < 0) return fail(s.name, "X must have a static shape, got ", show(x.dims));
  if (x.dims.size() == 2 && x.dims[0] < 1) return fail(s.name, "X [B, C] needs B >= 1, got ", show(x.dims));
  Tfidf t;
  if (std::string e = read_tfidf(s, a, t); !e.empty()) return e;
  if (in.size() > 1 && in[1].present()) {
    const TensorType& w = in[1];
    if (w.dtype != DType::f32 || w.dims.size() != 1 || w.dims[0] < t.columns)
      return fail(s.name, "weights must be f32 with at least ", t.columns, " entries, got ", to_string(w));
  }
  int64_t rows = 0, length = 0;
  rows_of(x, rows, length);
  double work = static_cast<double>(rows) * static_cast<double>(length) * static_cast<double>(t.max_n) *
                static_cast<double>(t.max_n) * static_cast<double>(t.max_skip + 1);
  if (work > kMaxWork) return fail(s.name, "counting n-grams in ", show(x.dims), " is too much work");
  if (static_cast<double>(rows) * static_cast<double>(t.columns) > kMaxWork)
    return fail(s.name, "the result is too large");
  Dims dims = x.dims.size() == 2 ? Dims{rows, t.columns} : Dims{t.columns};
  out = {TensorType{DType::f32, dims}};
  return {};
}

std::string run_text_tfidf(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_integral_v<T>) return tfidf<T>(args);
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  });
}

}  // namespace halo::sem::kernels
