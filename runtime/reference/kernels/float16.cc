// float16.cc - running kernels written for f32/f64 on f16 and bf16 data (run_widened).
//
// The 16-bit floats have no C++ arithmetic type, and writing every family a second time
// for them would double the code an oracle must be trusted for. Instead the call is
// widened: the 16-bit operands are decoded exactly into temporary f64 (or f32) buffers,
// the ordinary kernel runs on those, and the wide results are rounded once to the 16-bit
// type. The results are then the wide kernel's, correctly rounded, which is what NumPy's
// float16 arithmetic (the ONNX reference) gives for a single operation.
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {

bool has_float16(const KernelArgs& args) {
  for (const TensorView& v : args.in)
    if (v.present() && is_float16(v.type.dtype)) return true;
  for (const TensorView& v : args.out)
    if (is_float16(v.type.dtype)) return true;
  return false;
}

std::string run_widened(const KernelArgs& args, std::string (*kernel)(const KernelArgs&)) {
  const DType wide = schema_lists_dtype(args.schema, DType::f64) ? DType::f64 : DType::f32;
  if (!schema_lists_dtype(args.schema, wide)) return fail(args.name(), "has no f32 or f64 kernel to widen to");
  // One buffer per widened tensor; doubles are aligned for either wide type.
  std::vector<std::vector<double>> buffers;
  buffers.reserve(args.in.size() + args.out.size());
  auto widen_type = [&](TensorView& v) {
    buffers.emplace_back(static_cast<size_t>(v.type.num_elements()));
    v.type.dtype = wide;
    v.data = buffers.back().data();
  };

  std::vector<TensorView> in(args.in.begin(), args.in.end());
  for (TensorView& v : in) {
    if (!v.present() || !is_float16(v.type.dtype)) continue;
    const DType narrow = v.type.dtype;
    const auto* bits = v.as<const uint16_t>();
    widen_type(v);
    const int64_t n = v.type.num_elements();
    for (int64_t i = 0; i < n; ++i) {
      double x = float16_to_double(narrow, bits[i]);  // exact in f32 too
      if (wide == DType::f64)
        v.as<double>()[i] = x;
      else
        v.as<float>()[i] = static_cast<float>(x);
    }
  }
  std::vector<TensorView> out(args.out.begin(), args.out.end());
  for (TensorView& v : out)
    if (is_float16(v.type.dtype)) widen_type(v);

  // The original results are written only after the kernel ran, so a result that shares
  // its buffer with an operand is safe.
  if (std::string err = kernel(KernelArgs{args.schema, in, args.attrs, out}); !err.empty()) return err;

  for (size_t k = 0; k < out.size(); ++k) {
    const TensorView& original = args.out[k];
    if (!is_float16(original.type.dtype)) continue;
    auto* bits = original.as<uint16_t>();
    const int64_t n = original.type.num_elements();
    for (int64_t i = 0; i < n; ++i) {
      long double x = wide == DType::f64 ? out[k].as<const double>()[i] : out[k].as<const float>()[i];
      bits[i] = float16_from(original.type.dtype, x);
    }
  }
  return {};
}

}  // namespace halo::sem::kernels
