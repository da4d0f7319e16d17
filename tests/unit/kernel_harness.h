// kernel_harness.h - what the reference-kernel unit tests share: tensors that own their
// bytes, typed constructors, and `run`, which does what every caller of the semantics
// API does (fill defaults, infer the result types, allocate, run the kernel).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "semantics.h"

namespace halo_test {

using namespace halo::sem;
using Dims = std::vector<int64_t>;

/// A tensor that owns its bytes (8-byte aligned, large enough for any element type).
struct Tensor {
  TensorType type;
  std::vector<double> storage;

  TensorView view() { return {type, storage.empty() ? nullptr : storage.data()}; }
  template <typename T>
  std::vector<T> values() const {
    std::vector<T> v(static_cast<size_t>(type.num_elements()));
    if (!v.empty()) std::memcpy(v.data(), storage.data(), v.size() * sizeof(T));
    return v;
  }
};

inline Tensor allocate(TensorType type) {
  size_t bytes = static_cast<size_t>(type.num_bytes());
  return {std::move(type), std::vector<double>((bytes + 7) / 8)};
}

template <typename T>
Tensor make(DType dtype, Dims dims, const std::vector<T>& values) {
  Tensor t = allocate(TensorType{dtype, std::move(dims)});
  EXPECT_EQ(values.size(), static_cast<size_t>(t.type.num_elements()));
  if (!values.empty()) std::memcpy(t.storage.data(), values.data(), values.size() * sizeof(T));
  return t;
}

inline Tensor f32(Dims d, const std::vector<float>& v) { return make(DType::f32, std::move(d), v); }
inline Tensor f64(Dims d, const std::vector<double>& v) { return make(DType::f64, std::move(d), v); }
inline Tensor f16(Dims d, const std::vector<uint16_t>& v) { return make(DType::f16, std::move(d), v); }
inline Tensor bf16(Dims d, const std::vector<uint16_t>& v) { return make(DType::bf16, std::move(d), v); }
inline Tensor i8(Dims d, const std::vector<int8_t>& v) { return make(DType::i8, std::move(d), v); }
inline Tensor i16(Dims d, const std::vector<int16_t>& v) { return make(DType::i16, std::move(d), v); }
inline Tensor i32(Dims d, const std::vector<int32_t>& v) { return make(DType::i32, std::move(d), v); }
inline Tensor i64(Dims d, const std::vector<int64_t>& v) { return make(DType::i64, std::move(d), v); }
inline Tensor u8(Dims d, const std::vector<uint8_t>& v) { return make(DType::u8, std::move(d), v); }
inline Tensor u16(Dims d, const std::vector<uint16_t>& v) { return make(DType::u16, std::move(d), v); }
inline Tensor u32(Dims d, const std::vector<uint32_t>& v) { return make(DType::u32, std::move(d), v); }
inline Tensor u64(Dims d, const std::vector<uint64_t>& v) { return make(DType::u64, std::move(d), v); }
inline Tensor boolean(Dims d, const std::vector<uint8_t>& v) { return make(DType::boolean, std::move(d), v); }
/// An absent optional operand.
inline Tensor absent() { return {}; }

inline AttrMap attrs(std::initializer_list<std::pair<const char*, AttrValue>> list) {
  AttrMap m;
  for (const auto& [name, value] : list) m.set(name, value);
  return m;
}

struct Result {
  std::string error;
  std::vector<Tensor> outs;
  const TensorType& type(size_t i = 0) const { return outs.at(i).type; }
  Dims dims(size_t i = 0) const { return outs.at(i).type.dims; }
  /// Result i's elements as T.
  template <typename T>
  std::vector<T> get(size_t i = 0) const {
    return outs.at(i).values<T>();
  }
  std::vector<float> f(size_t i = 0) const { return get<float>(i); }
  std::vector<double> d(size_t i = 0) const { return get<double>(i); }
  std::vector<int64_t> idx(size_t i = 0) const { return get<int64_t>(i); }
};

/// What a caller does: fill defaults, infer the result types, allocate, run.
inline Result run(OpKind kind, std::vector<Tensor> ins, AttrMap a = {}) {
  Result r;
  fill_attr_defaults(op_schema(kind), a);
  std::vector<TensorType> in_types, out_types;
  for (const auto& t : ins) in_types.push_back(t.type);
  r.error = infer_types(kind, in_types, a, out_types);
  if (!r.error.empty()) return r;
  for (auto& t : out_types) r.outs.push_back(allocate(t));
  std::vector<TensorView> in_views, out_views;
  for (auto& t : ins) in_views.push_back(t.view());
  for (auto& t : r.outs) out_views.push_back(t.view());
  r.error = run_kernel(kind, in_views, a, out_views);
  return r;
}

/// Only the shape rule.
inline std::string infer(OpKind kind, std::vector<TensorType> ins, AttrMap a, std::vector<TensorType>& outs) {
  fill_attr_defaults(op_schema(kind), a);
  return infer_types(kind, ins, a, outs);
}

inline bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// Checks that an error came back, names the op, is one line and contains `part`.
inline void expect_error(const std::string& err, const std::string& op, const std::string& part = "") {
  EXPECT_TRUE(starts_with(err, op + ": ")) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  if (!part.empty()) {
    EXPECT_NE(err.find(part), std::string::npos) << err;
  }
}

/// Float results against doubles, relative tolerance (absolute below 1); NaN and
/// infinities must match exactly.
inline void expect_close(const std::vector<float>& got, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i << ": " << got[i];
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(got[i], want[i]) << "at " << i;
    } else {
      EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::fabs(want[i]))) << "at " << i;
    }
  }
}

}  // namespace halo_test
