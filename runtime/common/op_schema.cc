// op_schema.cc - look-ups over the generated operator table.
#include "op_schema.h"

#include <cstdlib>
#include <string>

namespace halo::sem {

const OpSchema& op_schema(OpKind kind) { return all_op_schemas()[static_cast<size_t>(kind)]; }

std::optional<OpKind> op_kind_from_name(std::string_view name) {
  for (const auto& s : all_op_schemas())
    if (s.name == name) return s.kind;
  return std::nullopt;
}

namespace {

// Parses "[1, 2]" / "[1.0]" / "[]" into numbers; the generator only emits well-formed lists.
template <typename T>
std::vector<T> parse_list(std::string_view text) {
  std::vector<T> out;
  std::string s(text.substr(1, text.size() - 2));
  const char* p = s.c_str();
  while (*p) {
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p) {
      ++p;
      continue;
    }
    out.push_back(static_cast<T>(v));
    p = end;
  }
  return out;
}

}  // namespace

std::optional<AttrValue> attr_default(const AttrSchema& a) {
  if (!a.has_default) return std::nullopt;
  std::string text(a.default_text);
  switch (a.type) {
    case AttrType::Int:
    case AttrType::Bool:
      return AttrValue(static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10)));
    case AttrType::Float:
      return AttrValue(std::strtod(text.c_str(), nullptr));
    case AttrType::Ints:
      return AttrValue(parse_list<int64_t>(a.default_text));
    case AttrType::Floats:
      return AttrValue(parse_list<double>(a.default_text));
    case AttrType::String:
      return AttrValue(text.size() >= 2 ? text.substr(1, text.size() - 2) : text);
  }
  return std::nullopt;
}

std::string fill_attr_defaults(const OpSchema& schema, AttrMap& attrs) {
  for (const auto& a : schema.attrs) {
    if (attrs.has(a.name)) continue;
    auto d = attr_default(a);
    if (!d) return std::string(a.name);
    attrs.set(a.name, std::move(*d));
  }
  return {};
}

}  // namespace halo::sem
