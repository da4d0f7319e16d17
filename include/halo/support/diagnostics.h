// diagnostics.h - errors that name the file, node, op type and opset.
//
// The compiler never throws across library boundaries and never aborts on a user
// mistake: functions return Status or Expected<T>, whose error is a Diagnostic carrying
// the exit code class (parse error, unsupported feature, ...) and a one-line message.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace halo {

/// Exit code classes of the command-line tools (see DESIGN.md, "Conventions").
enum class ErrorKind : int {
  Failure = 1,      ///< generic failure (I/O, internal)
  Usage = 2,        ///< bad command line
  Parse = 3,        ///< the model cannot be read
  Unsupported = 4,  ///< unsupported op or feature
  Missing = 5,      ///< missing dependency or runtime
};

/// One error: a kind and a one-line message (several lines when listing many ops).
struct Diagnostic {
  ErrorKind kind = ErrorKind::Failure;
  std::string message;
};

/// Success or a Diagnostic.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Diagnostic d) : diag_(std::move(d)), failed_(true) {}
  static Status ok() { return {}; }
  explicit operator bool() const { return !failed_; }
  bool failed() const { return failed_; }
  const Diagnostic& diag() const { return diag_; }
  const std::string& message() const { return diag_.message; }
  ErrorKind kind() const { return diag_.kind; }

 private:
  Diagnostic diag_;
  bool failed_ = false;
};

/// Makes an error Status.
inline Status make_error(ErrorKind kind, std::string message) {
  return Status(Diagnostic{kind, std::move(message)});
}

/// A value or a Diagnostic.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}
  Expected(Status s) : v_(s.diag()) {}
  Expected(Diagnostic d) : v_(std::move(d)) {}
  explicit operator bool() const { return v_.index() == 0; }
  T& operator*() { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  T take() { return std::move(std::get<0>(v_)); }
  Status status() const { return v_.index() == 0 ? Status() : Status(std::get<1>(v_)); }
  const std::string& message() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, Diagnostic> v_;
};

/// Propagates a failed Status from an expression.
#define HALO_TRY(expr)                     \
  do {                                     \
    ::halo::Status halo_try_s_ = (expr);   \
    if (halo_try_s_.failed()) return halo_try_s_; \
  } while (0)

}  // namespace halo
