// swish.cc - Swish (ops/swish.toml): X * sigmoid(alpha * X), in double.
#include <cmath>
#include <string>

#include "kernels.h"

namespace halo::sem::kernels {

std::string run_swish(const KernelArgs& args) {
  double alpha = args.attrs.get_float("alpha", 1.0);
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() -> std::string {
    if constexpr (std::is_floating_point_v<T>) {
      const T* x = args.in[0].as<const T>();
      T* y = args.out[0].as<T>();
      int64_t n = args.out[0].type.num_elements();
      for (int64_t i = 0; i < n; ++i) {
        double v = static_cast<double>(x[i]);
        y[i] = static_cast<T>(v / (1.0 + std::exp(-alpha * v)));
      }
      return {};
    }
    return dtype_not_implemented(args.schema, args.in[0].type.dtype);
  });
}

}  // namespace halo::sem::kernels
