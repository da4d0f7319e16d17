// batch_norm_training.cc - BatchNormalization in training mode: statistics of the batch.
//
// For each channel c, the mean and the population variance (divided by the count, as
// ONNX's reference computes it with NumPy's var) over N and the spatial dimensions
// normalize X; the running statistics blend the given ones with the batch's by
// momentum. Sums are in double; an empty batch gives NaN statistics, not a crash.
#include <cmath>

#include "kernels.h"

namespace halo::sem::kernels {

namespace {

template <typename T>
std::string batch_norm_training(const KernelArgs& args) {
  const Dims& dx = args.in[0].type.dims;
  int64_t n = dx[0], channels = dx[1], inner = product(dx, 2, dx.size());
  double eps = args.attrs.get_float("epsilon"), momentum = args.attrs.get_float("momentum");
  const T* x = args.in[0].as<const T>();
  const T *scale = args.in[1].as<const T>(), *bias = args.in[2].as<const T>();
  const T *in_mean = args.in[3].as<const T>(), *in_var = args.in[4].as<const T>();
  T* y = args.out[0].as<T>();
  T *run_mean = args.out[1].as<T>(), *run_var = args.out[2].as<T>();
  auto count = static_cast<double>(n * inner);
  for (int64_t c = 0; c < channels; ++c) {
    // The elements of channel c: x[(b * channels + c) * inner + i].
    double sum = 0;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) sum += static_cast<double>(x[(b * channels + c) * inner + i]);
    double mean = sum / count, squares = 0;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        double d = static_cast<double>(x[(b * channels + c) * inner + i]) - mean;
        squares += d * d;
      }
    double var = squares / count;
    double factor = static_cast<double>(scale[c]) / std::sqrt(var + eps);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t at = (b * channels + c) * inner + i;
        y[at] = static_cast<T>((static_cast<double>(x[at]) - mean) * factor + static_cast<double>(bias[c]));
      }
    run_mean[c] = static_cast<T>(static_cast<double>(in_mean[c]) * momentum + mean * (1 - momentum));
    run_var[c] = static_cast<T>(static_cast<double>(in_var[c]) * momentum + var * (1 - momentum));
  }
  return {};
}

}  // namespace

// X's type for Y; the running statistics have the shape [C] of the given ones.
std::string shape_batch_norm_training(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                                      std::vector<TensorType>& out) {
  if (std::string err = check_batch_norm(s, in, attrs); !err.empty()) return err;
  out = {in[0], in[3], in[4]};
  return {};
}

std::string run_batch_norm_training(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return batch_norm_training<T>(args); });
}

}  // namespace halo::sem::kernels
