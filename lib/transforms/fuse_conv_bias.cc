// fuse_conv_bias.cc - folds a per-channel constant added after a Conv into its bias.
//
//   before: %c = Conv(%x, %w) : f32[1,8,4,4]   %y = Add(%c, %b) : f32[1,8,4,4]   (%b: f32[1,8,1,1])
//   after:  %y = Conv(%x, %w, %b2) : f32[1,8,4,4]                                (%b2: f32[8])
//
// An existing bias is summed with the added constant. The Add's name survives, so
// outputs keep their names.
#include <cstring>

#include "halo/transforms/pass.h"
#include "halo/transforms/rewrite_utils.h"

namespace halo {

Status fuse_conv_bias(ir::Function& f, const PassOptions&) {
  for (ir::Instruction* add : f.instruction_list()) {
    auto m = match_add_of_constant(f, add, ir::OpKind::Conv);
    if (!m) continue;
    ir::Instruction* conv = m->producer;
    const auto& out = conv->result()->type();
    if (out.dtype != ir::DType::f32 || out.rank() < 2) continue;
    int64_t channels = out.dims[1];
    auto per_channel = per_channel_values(*m->constant, out);
    if (!per_channel) continue;
    if (ir::Value* old = conv->operand(2)) {
      if (!old->is_constant() || old->type().num_elements() != channels) continue;
      for (int64_t i = 0; i < channels; ++i) (*per_channel)[i] += old->data_as<float>()[i];
    }
    ir::Value* bias = add_f32_constant(f, add->name() + ".bias", {channels}, *per_channel);
    conv->set_operand(2, bias);
    replace_with_producer(f, add, conv);
  }
  return dead_code_elimination(f, {});
}

}  // namespace halo
