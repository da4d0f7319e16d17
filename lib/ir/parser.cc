// parser.cc - reads the textual form of HALO IR (see text.h for the grammar).
//
// A hand-written lexer and recursive-descent parser: the grammar is tiny, and errors must
// point at "file:line:col" with a one-line reason. Instructions are created through
// create_op, so a parsed function is typed and checked exactly like an imported one; the
// result types written in the text are then compared with the inferred ones.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "halo/ir/text.h"
#include "halo/ops/builder.h"

namespace halo::ir {
namespace {

enum class Tok { End, Ident, Local, Global, Number, String, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  int line = 1, col = 1;
};

class Parser {
 public:
  Parser(std::string_view text, std::string source) : src_(text), source_(std::move(source)) { next(); }

  Expected<std::unique_ptr<Module>> parse() {
    auto m = std::make_unique<Module>();
    m->source = source_;
    while (tok_.kind != Tok::End) {
      auto f = parse_function();
      if (!f) return f.status();
      m->functions.push_back(f.take());
    }
    if (m->functions.empty()) return error("expected 'func'");
    return m;
  }

 private:
  // ---- lexer ----
  void skip_space() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '\n') {
        ++line_;
        col_ = 1;
        ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
        ++col_;
      } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  }

  bool lex_quoted(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < src_.size() && src_[pos_] != '"') {
      if (src_[pos_] == '\\' && pos_ + 1 < src_.size()) ++pos_;
      if (src_[pos_] == '\n') return false;
      out += src_[pos_++];
    }
    if (pos_ >= src_.size()) return false;
    ++pos_;
    return true;
  }

  void next() {
    skip_space();
    tok_ = Token{};
    tok_.line = line_;
    tok_.col = col_;
    size_t start = pos_;
    if (pos_ >= src_.size()) return;
    char c = src_[pos_];
    if (c == '%' || c == '@') {
      tok_.kind = c == '%' ? Tok::Local : Tok::Global;
      ++pos_;
      if (pos_ < src_.size() && src_[pos_] == '"') {
        if (!lex_quoted(tok_.text)) tok_.kind = Tok::End, bad_ = "unterminated quoted name";
      } else {
        while (pos_ < src_.size() && name_char(src_[pos_])) tok_.text += src_[pos_++];
      }
    } else if (c == '"') {
      tok_.kind = Tok::String;
      if (!lex_quoted(tok_.text)) tok_.kind = Tok::End, bad_ = "unterminated string";
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' ||
               (c == '.' && pos_ + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
      if (c == '-' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '>') {
        tok_.kind = Tok::Punct;
        tok_.text = "->";
        pos_ += 2;
      } else {
        tok_.kind = Tok::Number;
        tok_.text += src_[pos_++];
        while (pos_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '.' ||
                                      ((src_[pos_] == '-' || src_[pos_] == '+') &&
                                       (src_[pos_ - 1] == 'e' || src_[pos_ - 1] == 'E'))))
          tok_.text += src_[pos_++];
      }
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      tok_.kind = Tok::Ident;
      while (pos_ < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
        tok_.text += src_[pos_++];
    } else {
      tok_.kind = Tok::Punct;
      tok_.text = c;
      ++pos_;
    }
    col_ += static_cast<int>(pos_ - start);
  }

  // ---- helpers ----
  Status error(const std::string& what) const { return error_at(tok_.line, tok_.col, what); }
  Status error_at(int line, int col, const std::string& what, ErrorKind kind = ErrorKind::Parse) const {
    std::string msg = source_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + (bad_.empty() ? what : bad_);
    return make_error(kind, msg);
  }
  bool is(const char* p) const { return tok_.kind == Tok::Punct && tok_.text == p; }
  bool is_ident(const char* w) const { return tok_.kind == Tok::Ident && tok_.text == w; }
  Status expect(const char* p) {
    if (!is(p)) return error(std::string("expected '") + p + "'" + found());
    next();
    return {};
  }
  std::string found() const {
    if (tok_.kind == Tok::End) return " but reached the end";
    return " but found '" + tok_.text + "'";
  }

  Expected<TensorType> parse_type() {
    if (tok_.kind != Tok::Ident) return error("expected an element type" + found());
    auto dt = sem::dtype_from_name(tok_.text);
    if (!dt) return error("unknown element type '" + tok_.text + "'");
    next();
    TensorType t{*dt, {}};
    HALO_TRY(expect("["));
    while (!is("]")) {
      if (is("?")) {
        t.dims.push_back(sem::kUnknownDim);
        next();
      } else if (tok_.kind == Tok::Number) {
        errno = 0;
        char* end = nullptr;
        long long d = std::strtoll(tok_.text.c_str(), &end, 10);
        if (*end || errno || d < 0) return error("bad dimension '" + tok_.text + "'");
        t.dims.push_back(d);
        next();
      } else {
        return error("expected a dimension" + found());
      }
      if (t.dims.size() > 64) return error("rank above 64");
      if (is(",")) next();
      else if (!is("]")) return error("expected ',' or ']'" + found());
    }
    next();
    return t;
  }

  Expected<double> parse_number() {
    if (tok_.kind != Tok::Number && !(tok_.kind == Tok::Ident && (tok_.text == "nan" || tok_.text == "inf")))
      return error("expected a number" + found());
    const char* s = tok_.text.c_str();
    char* end = nullptr;
    double v = std::strtod(s, &end);
    if (*end) return error("bad number '" + tok_.text + "'");
    next();
    return v;
  }

  Expected<sem::AttrValue> parse_attr_value() {
    if (tok_.kind == Tok::String) {
      std::string s = tok_.text;
      next();
      return sem::AttrValue(s);
    }
    if (is("[")) {
      next();
      std::vector<std::string> texts;
      while (!is("]")) {
        if (tok_.kind != Tok::Number) return error("expected a number in the list" + found());
        texts.push_back(tok_.text);
        next();
        if (is(",")) next();
        else if (!is("]")) return error("expected ',' or ']'" + found());
      }
      next();
      bool floats = false;
      for (auto& t : texts) floats |= t.find_first_of(".eEn") != std::string::npos;
      if (floats) {
        std::vector<double> v;
        for (auto& t : texts) v.push_back(std::strtod(t.c_str(), nullptr));
        return sem::AttrValue(v);
      }
      std::vector<int64_t> v;
      for (auto& t : texts) v.push_back(std::strtoll(t.c_str(), nullptr, 10));
      return sem::AttrValue(v);
    }
    if (tok_.kind != Tok::Number) return error("expected an attribute value" + found());
    std::string t = tok_.text;
    auto d = parse_number();
    if (!d) return d.status();
    if (t.find_first_of(".eEn") != std::string::npos) return sem::AttrValue(*d);
    return sem::AttrValue(static_cast<int64_t>(std::strtoll(t.c_str(), nullptr, 10)));
  }

  // Converts attribute values to the schema's types (an int literal for a float attr,
  // an empty list for a float list).
  static void coerce_attrs(OpKind op, AttrMap& attrs) {
    for (const auto& a : sem::op_schema(op).attrs) {
      const sem::AttrValue* v = attrs.find(a.name);
      if (!v) continue;
      if (a.type == sem::AttrType::Float && std::holds_alternative<int64_t>(*v))
        attrs.set(a.name, static_cast<double>(std::get<int64_t>(*v)));
      else if (a.type == sem::AttrType::Floats && std::holds_alternative<std::vector<int64_t>>(*v)) {
        const auto& is = std::get<std::vector<int64_t>>(*v);
        attrs.set(a.name, std::vector<double>(is.begin(), is.end()));
      }
    }
  }

  Status parse_constant_data(const TensorType& t, std::vector<uint8_t>& bytes) {
    if (tok_.kind != Tok::Ident) return error("expected dense<, splat< or hex<" + found());
    std::string form = tok_.text;
    next();
    HALO_TRY(expect("<"));
    int64_t n = t.num_elements();
    size_t esize = sem::dtype_size(t.dtype);
    if (n < 0 || (n > 0 && static_cast<uint64_t>(n) > (uint64_t{1} << 40) / esize))
      return error("constant of type " + sem::to_string(t) + " is too large or not static");
    if (form == "hex") {
      if (tok_.kind != Tok::String) return error("expected a hex string" + found());
      const std::string& h = tok_.text;
      if (h.size() != static_cast<size_t>(n) * esize * 2) return error("hex data has the wrong length");
      for (size_t i = 0; i < h.size(); i += 2) bytes.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
      next();
      return expect(">");
    }
    // Element texts are kept and converted per element type, so 64-bit integers stay
    // exact (a double would round them).
    std::vector<std::string> texts;
    auto number_text = [&]() -> Status {
      if (tok_.kind != Tok::Number && !(tok_.kind == Tok::Ident && (tok_.text == "nan" || tok_.text == "inf")))
        return error("expected a number" + found());
      texts.push_back(tok_.text);
      next();
      return {};
    };
    if (form == "splat") {
      HALO_TRY(number_text());
      texts.resize(static_cast<size_t>(n), texts[0]);
    } else if (form == "dense") {
      HALO_TRY(expect("["));
      while (!is("]")) {
        if (texts.size() > static_cast<size_t>(n)) return error("constant has more values than its type " + sem::to_string(t) + " holds");
        HALO_TRY(number_text());
        if (is(",")) next();
        else if (!is("]")) return error("expected ',' or ']'" + found());
      }
      next();
      if (texts.size() != static_cast<size_t>(n))
        return error("constant has " + std::to_string(texts.size()) + " values but its type " +
                     sem::to_string(t) + " needs " + std::to_string(n));
    } else {
      return error("unknown constant form '" + form + "'");
    }
    HALO_TRY(expect(">"));
    bytes.resize(static_cast<size_t>(n) * esize);
    for (size_t i = 0; i < texts.size(); ++i) {
      uint8_t* p = bytes.data() + i * esize;
      const char* txt = texts[i].c_str();
      double v = std::strtod(txt, nullptr);
      int64_t iv = std::strtoll(txt, nullptr, 10);
      uint64_t uv = std::strtoull(txt, nullptr, 10);
      auto store = [&](auto x) { std::memcpy(p, &x, sizeof x); };
      switch (t.dtype) {
        case DType::f32: store(static_cast<float>(v)); break;
        case DType::f64: store(v); break;
        case DType::i8: store(static_cast<int8_t>(iv)); break;
        case DType::i16: store(static_cast<int16_t>(iv)); break;
        case DType::i32: store(static_cast<int32_t>(iv)); break;
        case DType::i64: store(iv); break;
        case DType::u8: store(static_cast<uint8_t>(uv)); break;
        case DType::u16: store(static_cast<uint16_t>(uv)); break;
        case DType::u32: store(static_cast<uint32_t>(uv)); break;
        case DType::u64: store(uv); break;
        case DType::boolean: store(static_cast<uint8_t>(v != 0)); break;
        default: return error("element type " + std::string(sem::dtype_name(t.dtype)) + " needs hex<> data");
      }
    }
    return {};
  }

  Status define(const std::string& name, Value* v, int line, int col) {
    if (!values_.emplace(name, v).second) return error_at(line, col, "value '%" + name + "' is defined twice");
    return {};
  }
  Status define(const std::string& name, Value* v) { return define(name, v, tok_.line, tok_.col); }

  Status parse_instruction(Function& f) {
    const int line = tok_.line, col = tok_.col;  // errors about the whole instruction point here
    std::vector<std::string> names;
    while (true) {
      if (tok_.kind != Tok::Local) return error("expected a value name" + found());
      names.push_back(tok_.text);
      next();
      if (!is(",")) break;
      next();
    }
    HALO_TRY(expect("="));
    if (is_ident("constant")) {
      next();
      if (names.size() != 1) return error("a constant defines one value");
      auto t = parse_type();
      if (!t) return t.status();
      auto bytes = std::make_shared<std::vector<uint8_t>>();
      HALO_TRY(parse_constant_data(*t, *bytes));
      if (values_.count(names[0])) return error_at(line, col, "value '%" + names[0] + "' is defined twice");
      return define(names[0], f.add_constant(names[0], *t, std::move(bytes)), line, col);
    }
    if (tok_.kind != Tok::Ident) return error("expected an operator name" + found());
    auto op = sem::op_kind_from_name(tok_.text);
    if (!op) return make_error(ErrorKind::Unsupported, error("unknown operator '" + tok_.text + "'").message());
    next();
    HALO_TRY(expect("("));
    std::vector<Value*> operands;
    while (!is(")")) {
      if (tok_.kind == Tok::Ident && tok_.text == "_") {
        operands.push_back(nullptr);
      } else if (tok_.kind == Tok::Local) {
        auto it = values_.find(tok_.text);
        if (it == values_.end()) return error("use of undefined value '%" + tok_.text + "'");
        operands.push_back(it->second);
      } else {
        return error("expected an operand" + found());
      }
      next();
      if (is(",")) next();
      else if (!is(")")) return error("expected ',' or ')'" + found());
    }
    next();
    AttrMap attrs;
    if (is("{")) {
      next();
      while (!is("}")) {
        if (tok_.kind != Tok::Ident) return error("expected an attribute name" + found());
        std::string key = tok_.text;
        next();
        HALO_TRY(expect("="));
        auto v = parse_attr_value();
        if (!v) return v.status();
        attrs.set(key, v.take());
        if (is(",")) next();
        else if (!is("}")) return error("expected ',' or '}'" + found());
      }
      next();
    }
    coerce_attrs(*op, attrs);
    std::vector<TensorType> declared;
    if (is(":")) {
      next();
      while (true) {
        auto t = parse_type();
        if (!t) return t.status();
        declared.push_back(t.take());
        if (!is(",")) break;
        next();
      }
    }
    for (const auto& n : names)
      if (values_.count(n)) return error_at(line, col, "value '%" + n + "' is defined twice");
    auto inst = create_op(f, *op, operands, std::move(attrs), names[0]);
    if (!inst) return error_at(line, col, inst.message(), inst.status().kind());
    Instruction* in = *inst;
    if (names.size() != in->num_results())
      return error_at(line, col, std::string(in->op_name()) + " defines " + std::to_string(in->num_results()) + " values");
    for (size_t r = 0; r < names.size(); ++r) {
      in->result(r)->set_name(names[r]);
      if (r < declared.size() && declared[r] != in->result(r)->type())
        return error_at(line, col, "'%" + names[r] + "' is declared " + sem::to_string(declared[r]) + " but infers as " +
                                       sem::to_string(in->result(r)->type()));
      HALO_TRY(define(names[r], in->result(r), line, col));
    }
    return {};
  }

  Expected<std::unique_ptr<Function>> parse_function() {
    values_.clear();
    if (!is_ident("func")) return error("expected 'func'" + found());
    next();
    if (tok_.kind != Tok::Global) return error("expected a function name like @main" + found());
    auto f = std::make_unique<Function>(tok_.text);
    next();
    HALO_TRY(expect("("));
    while (!is(")")) {
      if (tok_.kind != Tok::Local) return error("expected an argument name" + found());
      std::string name = tok_.text;
      next();
      HALO_TRY(expect(":"));
      auto t = parse_type();
      if (!t) return t.status();
      HALO_TRY(define(name, f->add_argument(name, *t)));
      if (is(",")) next();
      else if (!is(")")) return error("expected ',' or ')'" + found());
    }
    next();
    HALO_TRY(expect("{"));
    while (!is_ident("return")) {
      if (tok_.kind == Tok::End) return error("expected 'return' before the end");
      HALO_TRY(parse_instruction(*f));
    }
    next();
    std::vector<Value*> outs;
    while (tok_.kind == Tok::Local) {
      auto it = values_.find(tok_.text);
      if (it == values_.end()) return error("return of undefined value '%" + tok_.text + "'");
      outs.push_back(it->second);
      next();
      if (!is(",")) break;
      next();
    }
    f->set_outputs(outs);
    HALO_TRY(expect("}"));
    return f;
  }

  std::string_view src_;
  std::string source_;
  size_t pos_ = 0;
  int line_ = 1, col_ = 1;
  Token tok_;
  std::string bad_;
  std::unordered_map<std::string, Value*> values_;
};

}  // namespace

Expected<std::unique_ptr<Module>> parse_module(std::string_view text, const std::string& source) {
  return Parser(text, source).parse();
}

}  // namespace halo::ir
