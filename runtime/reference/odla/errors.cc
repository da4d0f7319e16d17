// errors.cc - the thread's last error message behind odla_GetLastError.
//
// ODLA functions report failure through a status or a NULL result; the explanation is
// kept per thread so that threads executing different contexts never see each other's
// messages. Each entry point clears it first, so a stale message never outlives the
// call that caused it.
#include "odla_ref.h"

namespace odla_ref {
namespace {

thread_local std::string t_last_error;

}  // namespace

void set_error(std::string_view message) noexcept {
  try {
    t_last_error.assign(message);
  } catch (...) {
    // Out of memory while copying the message: an empty one is better than a throw.
    t_last_error.clear();
  }
}

void clear_error() noexcept { t_last_error.clear(); }

odla_status fail(odla_status status, std::string_view message) noexcept {
  set_error(message);
  return status;
}

odla_value fail_value(std::string_view message) noexcept {
  set_error(message);
  return nullptr;
}

}  // namespace odla_ref

extern "C" ODLA_API_EXPORT const char* odla_GetLastError(void) {
  return odla_ref::t_last_error.c_str();
}
