// value_id.cc - decoding and printing of ODLA value ids.
//
// An odla_value_id is either a C string or, with ODLA_VALUE_ID_AS_INT, an integer cast to
// a pointer. Ids are decoded into ValueId exactly once (at creation or binding), which
// copies string contents, so look-ups compare contents and never addresses, and a
// caller's temporary string may go away after the call.
#include <cstring>

#include "odla_ref.h"

namespace odla_ref {

namespace {

// No string lives in the first page of the address space, so an id below this is an
// integer even where strings were expected. This keeps interpret-mode code that uses
// integer ids without any computation (hence without ODLA_VALUE_ID_AS_INT) from crashing.
constexpr uintptr_t kFirstPage = 4096;

}  // namespace

ValueId decode_id(odla_value_id id, bool as_int) {
  ValueId out;
  if (id != nullptr && reinterpret_cast<uintptr_t>(id) < kFirstPage) as_int = true;
  if (as_int) {
    out.is_int = true;
    out.number = static_cast<int64_t>(reinterpret_cast<intptr_t>(id));
  } else if (id != nullptr) {
    out.text = reinterpret_cast<const char*>(id);
  }
  return out;
}

std::string describe(const ValueId& id) {
  if (id.text.empty() && !id.is_int) return "(unnamed)";
  // Appended piecewise: "#" + std::to_string(n) trips a GCC 12 -Wrestrict false positive.
  std::string s = id.is_int ? "#" : "'";
  s += id.is_int ? std::to_string(id.number) : id.text;
  if (!id.is_int) s += '\'';
  return s;
}

}  // namespace odla_ref
