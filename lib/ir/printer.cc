// printer.cc - prints HALO IR in its textual form (see text.h for the grammar).
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "halo/ir/text.h"

namespace halo::ir {
namespace {

bool is_plain_name(const std::string& n) {
  if (n.empty()) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

void append_name(std::string& out, char sigil, const std::string& n) {
  out += sigil;
  if (is_plain_name(n)) {
    out += n;
    return;
  }
  out += '"';
  for (char c : n) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

std::string format_double(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep floats recognizable
  return s;
}

void append_attr(std::string& out, const sem::AttrValue& v) {
  if (auto* i = std::get_if<int64_t>(&v)) {
    out += std::to_string(*i);
  } else if (auto* d = std::get_if<double>(&v)) {
    out += format_double(*d, 17);
  } else if (auto* s = std::get_if<std::string>(&v)) {
    out += '"';
    for (char c : *s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  } else if (auto* is = std::get_if<std::vector<int64_t>>(&v)) {
    out += '[';
    for (size_t k = 0; k < is->size(); ++k) out += (k ? ", " : "") + std::to_string((*is)[k]);
    out += ']';
  } else if (auto* ds = std::get_if<std::vector<double>>(&v)) {
    out += '[';
    for (size_t k = 0; k < ds->size(); ++k) out += (k ? ", " : "") + format_double((*ds)[k], 17);
    out += ']';
  }
}

template <typename T>
std::string element_text(const uint8_t* p, DType t) {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::is_floating_point_v<T>)
    return format_double(static_cast<double>(v), t == DType::f32 ? 9 : 17);
  else
    return std::to_string(v);
}

std::string element(const uint8_t* p, DType t) {
  switch (t) {
    case DType::f32: return element_text<float>(p, t);
    case DType::f64: return element_text<double>(p, t);
    case DType::i8: return element_text<int8_t>(p, t);
    case DType::i16: return element_text<int16_t>(p, t);
    case DType::i32: return element_text<int32_t>(p, t);
    case DType::i64: return element_text<int64_t>(p, t);
    case DType::u8: return element_text<uint8_t>(p, t);
    case DType::u16: return element_text<uint16_t>(p, t);
    case DType::u32: return element_text<uint32_t>(p, t);
    case DType::u64: return element_text<uint64_t>(p, t);
    case DType::boolean: return std::to_string(*p ? 1 : 0);
    default: return {};
  }
}

void append_constant_data(std::string& out, const Value& c, const PrintOptions& opts) {
  const auto& bytes = c.data();
  size_t esize = sem::dtype_size(c.type().dtype);
  int64_t n = c.type().num_elements();
  if (opts.elide_constants_over >= 0 && n > opts.elide_constants_over) {
    out += "dense<...>";
    return;
  }
  if (esize == 0 || n < 0 || bytes.size() != static_cast<size_t>(n) * esize) {
    out += "hex<\"\">";
    return;
  }
  if (n == 0) {
    out += "dense<[]>";
    return;
  }
  bool printable = !element(bytes.data(), c.type().dtype).empty();
  if (!printable) {
    out += "hex<\"";
    static const char* kHex = "0123456789abcdef";
    for (uint8_t b : bytes) {
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
    out += "\">";
    return;
  }
  bool splat = n > 1;
  for (int64_t i = 1; splat && i < n; ++i)
    splat = std::memcmp(bytes.data(), bytes.data() + i * esize, esize) == 0;
  if (splat) {
    out += "splat<" + element(bytes.data(), c.type().dtype) + ">";
    return;
  }
  out += "dense<[";
  for (int64_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += element(bytes.data() + i * esize, c.type().dtype);
  }
  out += "]>";
}

}  // namespace

std::string print_function(const Function& f, const PrintOptions& opts) {
  std::string out = "func ";
  append_name(out, '@', f.name());
  out += '(';
  for (size_t i = 0; i < f.arguments().size(); ++i) {
    if (i) out += ", ";
    append_name(out, '%', f.arguments()[i]->name());
    out += ": " + sem::to_string(f.arguments()[i]->type());
  }
  out += ") {\n";
  for (const auto& c : f.constants()) {
    out += "  ";
    append_name(out, '%', c->name());
    out += " = constant " + sem::to_string(c->type()) + " ";
    append_constant_data(out, *c, opts);
    out += '\n';
  }
  for (const auto& inst : f.instructions()) {
    out += "  ";
    for (size_t r = 0; r < inst->num_results(); ++r) {
      if (r) out += ", ";
      append_name(out, '%', inst->result(r)->name());
    }
    out += " = ";
    out += inst->op_name();
    out += '(';
    for (size_t k = 0; k < inst->operands().size(); ++k) {
      if (k) out += ", ";
      if (Value* v = inst->operand(k))
        append_name(out, '%', v->name());
      else
        out += '_';
    }
    out += ')';
    if (!inst->attrs().entries().empty()) {
      out += " {";
      bool first = true;
      for (const auto& [k, v] : inst->attrs().entries()) {
        out += first ? "" : ", ";
        first = false;
        out += k + " = ";
        append_attr(out, v);
      }
      out += '}';
    }
    out += " : ";
    for (size_t r = 0; r < inst->num_results(); ++r) {
      if (r) out += ", ";
      out += sem::to_string(inst->result(r)->type());
    }
    out += '\n';
  }
  out += "  return";
  for (size_t i = 0; i < f.outputs().size(); ++i) {
    out += i ? ", " : " ";
    append_name(out, '%', f.outputs()[i]->name());
  }
  out += "\n}\n";
  return out;
}

std::string print_module(const Module& m, const PrintOptions& opts) {
  std::string out;
  for (size_t i = 0; i < m.functions.size(); ++i) {
    if (i) out += '\n';
    out += print_function(*m.functions[i], opts);
  }
  return out;
}

}  // namespace halo::ir
