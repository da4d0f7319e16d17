// memory_stats.h - the estimate `halo --print-mem-stats` prints.
#pragma once

#include <cstdint>
#include <string>

#include "halo/ir/ir.h"

namespace halo::codegen {

struct MemoryStats {
  int64_t weights_bytes = 0;
  int64_t num_constants = 0;
  int64_t input_bytes = 0;
  int64_t output_bytes = 0;
  /// Peak bytes of intermediate values under a simple plan: each result is allocated when
  /// its instruction runs and freed after its last use (outputs live in user buffers).
  int64_t peak_activation_bytes = 0;
  /// Sum of all intermediate values, i.e. what a plan without any reuse would need.
  int64_t total_activation_bytes = 0;
};

MemoryStats compute_memory_stats(const ir::Function& f);
std::string format_memory_stats(const ir::Function& f, const MemoryStats& s);

}  // namespace halo::codegen
