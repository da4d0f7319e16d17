// rewrite_utils.cc - pattern helpers shared by the fusion passes.
#include "halo/transforms/rewrite_utils.h"

#include <cstring>
#include <memory>

namespace halo {

std::optional<AddOfConstant> match_add_of_constant(const ir::Function& f, ir::Instruction* add, ir::OpKind producer) {
  if (add->op() != ir::OpKind::Add) return std::nullopt;
  for (int k = 0; k < 2; ++k) {
    ir::Value* p = add->operand(k);
    ir::Value* c = add->operand(1 - k);
    if (!p || !c || !c->is_constant() || !p->def() || p->def()->op() != producer) continue;
    if (p->users().size() != 1 || f.is_output(p)) continue;
    if (p->type() != add->result()->type()) continue;  // the Add must not broadcast the product
    return AddOfConstant{p->def(), c};
  }
  return std::nullopt;
}

std::optional<std::vector<float>> per_channel_values(const ir::Value& constant, const ir::TensorType& result) {
  const auto& t = constant.type();
  if (t.dtype != ir::DType::f32 || result.rank() < 2) return std::nullopt;
  int64_t channels = result.dims[1];
  int64_t n = t.num_elements();
  // Align the constant's dims to the right of the result's; every dim but axis 1 must be 1.
  if (t.rank() > result.rank()) return std::nullopt;
  size_t offset = result.rank() - t.rank();
  for (size_t i = 0; i < t.rank(); ++i) {
    size_t axis = i + offset;
    if (t.dims[i] != 1 && !(axis == 1 && t.dims[i] == channels)) return std::nullopt;
  }
  std::vector<float> v(static_cast<size_t>(channels));
  const float* src = constant.data_as<float>();
  for (int64_t c = 0; c < channels; ++c) v[c] = n == 1 ? src[0] : src[c];
  return v;
}

ir::Value* add_f32_constant(ir::Function& f, const std::string& name, std::vector<int64_t> dims,
                            const std::vector<float>& values) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(values.size() * sizeof(float));
  std::memcpy(bytes->data(), values.data(), bytes->size());
  return f.add_constant(f.unique_name(name), {ir::DType::f32, std::move(dims)}, std::move(bytes));
}

void replace_with_producer(ir::Function& f, ir::Instruction* old_inst, ir::Instruction* producer) {
  std::string name = old_inst->name();
  f.replace_all_uses(old_inst->result(), producer->result());
  f.erase(old_inst);
  producer->result()->set_name(name);
}

}  // namespace halo
