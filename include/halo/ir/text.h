// text.h - the textual form of HALO IR: printer and parser.
//
// The text form is what `halo --print-ir-after-all` shows and what `halo-opt` reads and
// writes, so each pass is tested text-in, text-out with FileCheck. Example:
//
//   func @mnist(%x: f32[1,784]) {
//     %W = constant f32[784,10] dense<[0.1, ...]>
//     %mm = Gemm(%x, %W) {alpha = 1.0, beta = 0.0, transA = 0, transB = 0} : f32[1,10]
//     %y = Softmax(%mm) {axis = -1} : f32[1,10]
//     return %y
//   }
//
// Names that are not plain identifiers are quoted: %"conv1/w:0". An absent optional
// operand in the middle of an operand list is written `_`. Constants print as
// dense<[...]>, splat<v> (all elements equal) or hex<"..."> (other element types).
#pragma once

#include <string>

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"

namespace halo::ir {

struct PrintOptions {
  /// Constants with more elements than this print as `dense<...>` (not parseable).
  int64_t elide_constants_over = -1;
};

std::string print_function(const Function& f, const PrintOptions& opts = {});
std::string print_module(const Module& m, const PrintOptions& opts = {});

/// Parses text IR; `source` names the buffer in error messages ("file:line:col: ...").
Expected<std::unique_ptr<Module>> parse_module(std::string_view text, const std::string& source);

}  // namespace halo::ir
