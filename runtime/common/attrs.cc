// attrs.cc - the attribute map.
#include "attrs.h"

#include <algorithm>

namespace halo::sem {

void AttrMap::set(std::string_view name, AttrValue v) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it != entries_.end() && it->first == name)
    it->second = std::move(v);
  else
    entries_.insert(it, {std::string(name), std::move(v)});
}

const AttrValue* AttrMap::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.first == name) return &e.second;
  return nullptr;
}

void AttrMap::erase(std::string_view name) {
  std::erase_if(entries_, [&](const auto& e) { return e.first == name; });
}

int64_t AttrMap::get_int(std::string_view name, int64_t fallback) const {
  const AttrValue* v = find(name);
  if (v && std::holds_alternative<int64_t>(*v)) return std::get<int64_t>(*v);
  if (v && std::holds_alternative<double>(*v)) return static_cast<int64_t>(std::get<double>(*v));
  return fallback;
}

double AttrMap::get_float(std::string_view name, double fallback) const {
  const AttrValue* v = find(name);
  if (v && std::holds_alternative<double>(*v)) return std::get<double>(*v);
  if (v && std::holds_alternative<int64_t>(*v)) return static_cast<double>(std::get<int64_t>(*v));
  return fallback;
}

std::string AttrMap::get_string(std::string_view name, std::string fallback) const {
  const AttrValue* v = find(name);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : fallback;
}

std::vector<int64_t> AttrMap::get_ints(std::string_view name, std::vector<int64_t> fallback) const {
  const AttrValue* v = find(name);
  return v && std::holds_alternative<std::vector<int64_t>>(*v) ? std::get<std::vector<int64_t>>(*v)
                                                               : fallback;
}

std::vector<double> AttrMap::get_floats(std::string_view name, std::vector<double> fallback) const {
  const AttrValue* v = find(name);
  return v && std::holds_alternative<std::vector<double>>(*v) ? std::get<std::vector<double>>(*v)
                                                              : fallback;
}

}  // namespace halo::sem
