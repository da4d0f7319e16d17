// memory_stats.cc - weights and activation memory of a function under a simple
// allocate-at-definition, free-after-last-use plan, walking instructions in order.
#include "halo/codegen/memory_stats.h"

#include <unordered_map>

namespace halo::codegen {

MemoryStats compute_memory_stats(const ir::Function& f) {
  MemoryStats s;
  for (const auto& c : f.constants()) {
    s.weights_bytes += static_cast<int64_t>(c->data().size());
    ++s.num_constants;
  }
  for (const auto& a : f.arguments()) s.input_bytes += std::max<int64_t>(0, a->type().num_bytes());
  for (const ir::Value* o : f.outputs()) s.output_bytes += std::max<int64_t>(0, o->type().num_bytes());

  // Last position at which each intermediate value is read.
  std::unordered_map<const ir::Value*, size_t> last_use;
  auto insts = f.instruction_list();
  for (size_t i = 0; i < insts.size(); ++i)
    for (const ir::Value* v : insts[i]->operands())
      if (v) last_use[v] = i;
  std::vector<std::vector<const ir::Value*>> frees(insts.size());
  for (const auto& [v, i] : last_use)
    if (v->def() && !f.is_output(v)) frees[i].push_back(v);
  int64_t live = 0;
  for (size_t i = 0; i < insts.size(); ++i) {
    for (size_t r = 0; r < insts[i]->num_results(); ++r) {
      const ir::Value* v = insts[i]->result(r);
      if (f.is_output(v)) continue;
      int64_t b = std::max<int64_t>(0, v->type().num_bytes());
      live += b;
      s.total_activation_bytes += b;
    }
    s.peak_activation_bytes = std::max(s.peak_activation_bytes, live);
    for (const ir::Value* v : frees[i]) live -= std::max<int64_t>(0, v->type().num_bytes());
  }
  return s;
}

std::string format_memory_stats(const ir::Function& f, const MemoryStats& s) {
  auto line = [](const char* what, int64_t bytes, const std::string& note = {}) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-18s %14lld bytes (%.2f MiB)%s\n", what, static_cast<long long>(bytes),
                  static_cast<double>(bytes) / (1 << 20), note.c_str());
    return std::string(buf);
  };
  std::string out = "Memory statistics of @" + f.name() + ":\n";
  out += line("weights:", s.weights_bytes, ", " + std::to_string(s.num_constants) + " constants");
  out += line("inputs:", s.input_bytes);
  out += line("outputs:", s.output_bytes);
  out += line("peak activations:", s.peak_activation_bytes, ", buffers freed after their last use");
  out += line("all activations:", s.total_activation_bytes, ", without reuse");
  return out;
}

}  // namespace halo::codegen
