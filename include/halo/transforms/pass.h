// pass.h - the pass registry and the pipeline runner.
//
// Passes are data: passes.def lists them (CLI name, function, summary), pipelines are
// lists of names, and the runner adds --verify-each, --print-ir-after-all,
// --print-ir-after=<pass> and --time-passes to any pipeline.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "halo/ir/ir.h"
#include "halo/support/diagnostics.h"

namespace halo {

/// Parameters that some passes read (from the driver's options).
struct PassOptions {
  int64_t batch_size = 0;  ///< 0: keep the model's batch size
  std::vector<std::pair<std::string, std::vector<int64_t>>> input_shapes;
  std::vector<std::string> inputs;   ///< cut-graph: values that become arguments
  std::vector<std::string> outputs;  ///< cut-graph: values that become outputs
  int64_t fold_limit_bytes = int64_t{256} << 20;  ///< largest constant the folder creates
};

using PassFn = Status (*)(ir::Function&, const PassOptions&);

struct PassInfo {
  std::string_view name;
  PassFn fn;
  std::string_view summary;
};

#define HALO_PASS(NAME, FN, SUMMARY) Status FN(ir::Function& f, const PassOptions& opts);
#include "halo/transforms/passes.def"
#undef HALO_PASS

std::span<const PassInfo> all_passes();
const PassInfo* find_pass(std::string_view name);

struct PipelineOptions {
  bool verify_each = false;
  bool print_ir_after_all = false;
  std::vector<std::string> print_ir_after;
  bool time_passes = false;
  std::ostream* log = nullptr;  ///< where IR dumps and timings go (stderr when null)
};

/// The pipeline `halo` runs by default.
std::vector<std::string> default_pipeline(bool fuse_conv_bias, bool fuse_matmul_bias);

/// Runs the named passes over every function of `m`.
Status run_pipeline(ir::Module& m, const std::vector<std::string>& passes, const PassOptions& opts,
                    const PipelineOptions& popts);

}  // namespace halo
