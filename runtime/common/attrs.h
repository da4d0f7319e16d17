// attrs.h - operator attributes shared by the compiler and the runtimes.
//
// Attributes are keyed by the names of ops/ops.toml. The IR stores one AttrMap per
// instruction with every attribute of the op's schema present (defaults filled in by the
// builder), and the reference runtime rebuilds the same map from an ODLA call's
// arguments, so a kernel reads `attrs.get_int("axis")` in both places.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace halo::sem {

/// One attribute value. Booleans are stored as int64 (0 or 1).
using AttrValue = std::variant<int64_t, double, std::string, std::vector<int64_t>,
                               std::vector<double>>;

/// A small ordered name -> value map (ops have a handful of attributes).
class AttrMap {
 public:
  void set(std::string_view name, AttrValue v);
  bool has(std::string_view name) const { return find(name) != nullptr; }
  const AttrValue* find(std::string_view name) const;
  void erase(std::string_view name);

  /// Typed getters: return `fallback` when absent or of another kind.
  int64_t get_int(std::string_view name, int64_t fallback = 0) const;
  double get_float(std::string_view name, double fallback = 0.0) const;
  std::string get_string(std::string_view name, std::string fallback = {}) const;
  std::vector<int64_t> get_ints(std::string_view name, std::vector<int64_t> fallback = {}) const;
  std::vector<double> get_floats(std::string_view name, std::vector<double> fallback = {}) const;

  const std::vector<std::pair<std::string, AttrValue>>& entries() const { return entries_; }
  bool operator==(const AttrMap& o) const { return entries_ == o.entries_; }

 private:
  std::vector<std::pair<std::string, AttrValue>> entries_;  // sorted by name
};

}  // namespace halo::sem
