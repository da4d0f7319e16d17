// pass_manager.cc - the pass registry and the pipeline runner.
#include <chrono>
#include <iostream>

#include "halo/ir/text.h"
#include "halo/ir/verifier.h"
#include "halo/transforms/pass.h"

namespace halo {
namespace {

constexpr PassInfo kPasses[] = {
#define HALO_PASS(NAME, FN, SUMMARY) {NAME, &FN, SUMMARY},
#include "halo/transforms/passes.def"
#undef HALO_PASS
};

}  // namespace

std::span<const PassInfo> all_passes() { return kPasses; }

const PassInfo* find_pass(std::string_view name) {
  for (const auto& p : kPasses)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<std::string> default_pipeline(bool fuse_conv_bias, bool fuse_matmul_bias) {
  std::vector<std::string> p = {"set-input-shapes", "cut-graph", "shape-inference", "dce", "constant-folding"};
  if (fuse_conv_bias) p.push_back("fuse-conv-bias");
  if (fuse_matmul_bias) p.push_back("fuse-matmul-bias");
  p.push_back("dce");
  return p;
}

Status run_pipeline(ir::Module& m, const std::vector<std::string>& passes, const PassOptions& opts,
                    const PipelineOptions& popts) {
  std::ostream& log = popts.log ? *popts.log : std::cerr;
  std::vector<std::pair<std::string, double>> times;
  for (const auto& name : popts.print_ir_after)
    if (!find_pass(name)) return make_error(ErrorKind::Usage, "--print-ir-after: unknown pass '" + name + "'");
  for (const auto& name : passes) {
    const PassInfo* p = find_pass(name);
    if (!p) return make_error(ErrorKind::Usage, "unknown pass '" + name + "'");
    auto t0 = std::chrono::steady_clock::now();
    for (auto& f : m.functions) {
      Status s = p->fn(*f, opts);
      if (s.failed()) return s;
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    times.emplace_back(name, ms);
    if (popts.verify_each) {
      Status s = ir::verify(m);
      if (s.failed()) return make_error(ErrorKind::Failure, "after pass '" + name + "': " + s.message());
    }
    bool dump = popts.print_ir_after_all;
    for (const auto& q : popts.print_ir_after) dump |= q == name;
    if (dump) log << "// ----- IR after " << name << " -----\n" << ir::print_module(m, {.elide_constants_over = 16});
  }
  if (popts.time_passes) {
    log << "// ----- pass timings (ms) -----\n";
    for (const auto& [n, ms] : times) log << "//   " << n << ": " << ms << "\n";
  }
  return {};
}

}  // namespace halo
