// dropout.cc - Dropout with its mask.
//
// At inference (training_mode = 0, or ratio = 0) Dropout is the identity and the mask is
// all true. In training mode the mask comes from a seeded generator so that a compiled
// model gives the same result every time: MT19937 (std::mt19937 is exactly the reference
// generator, seeded the same way) turned into doubles in [0, 1) with 53 random bits the
// way NumPy's legacy RandomState does. A model whose node sets seed therefore drops the
// same elements as NumPy's RandomState(seed).uniform(0, 1, X.shape) >= ratio.
#include <random>

#include "kernels.h"

namespace halo::sem::kernels {

namespace {

// The next double in [0, 1) from two 32-bit outputs (27 + 26 bits).
double next_uniform(std::mt19937& gen) {
  uint32_t a = gen() >> 5, b = gen() >> 6;
  return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) / 9007199254740992.0;
}

bool training(const AttrMap& attrs) {
  return attrs.get_int("training_mode") != 0 && attrs.get_float("ratio") != 0.0;
}

template <typename T>
std::string dropout(const KernelArgs& args) {
  int64_t n = args.in[0].type.num_elements();
  const T* x = args.in[0].as<const T>();
  T* y = args.out[0].as<T>();
  auto* mask = args.out[1].as<uint8_t>();
  if (!training(args.attrs)) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i], mask[i] = 1;
    return {};
  }
  double ratio = args.attrs.get_float("ratio");
  double scale = 1.0 / (1.0 - ratio);
  // MT19937 takes a 32-bit seed; NumPy refuses others, we keep the low 32 bits.
  std::mt19937 gen(static_cast<uint32_t>(args.attrs.get_int("seed")));
  for (int64_t i = 0; i < n; ++i) {
    bool keep = next_uniform(gen) >= ratio;
    mask[i] = keep ? 1 : 0;
    y[i] = keep ? static_cast<T>(static_cast<double>(x[i]) * scale) : T(0);
  }
  return {};
}

}  // namespace

std::string shape_dropout(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                          std::vector<TensorType>& out) {
  double ratio = attrs.get_float("ratio", 0.5);
  // ratio = 1 would scale by infinity; ONNX requires [0, 1). Only training uses it.
  if (attrs.get_int("training_mode") != 0 && !(ratio >= 0.0 && ratio < 1.0))
    return fail(s.name, "ratio must be in [0, 1), got ", ratio);
  out = {in[0], TensorType{DType::boolean, in[0].dims}};
  return {};
}

std::string run_dropout(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return dropout<T>(args); });
}

}  // namespace halo::sem::kernels
