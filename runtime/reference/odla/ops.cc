// ops.cc - the exported odla_<Op> functions, one per operator of ops/ops.toml.
//
// Their bodies are generated (build/generated/odla_reference_ops.inc) so that adding an
// operator to the table adds its ODLA entry point without touching this runtime; each
// forwards to odla_ref::record_op, which holds the actual logic.
#include <utility>

#include "odla_ref.h"

#include "odla_reference_ops.inc"
