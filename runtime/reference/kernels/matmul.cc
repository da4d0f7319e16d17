// matmul.cc - matrix products: MatMul (NumPy matmul) and Gemm.
//
// Both are the schoolbook triple loop with a double accumulator, so the reference is
// more precise than any fast kernel it judges. MatMul's batch dimensions broadcast like
// NumPy's; 1-D operands are treated as a row (A) or column (B) matrix, which is all the
// shape rule's dimension removal amounts to at run time. Gemm's C broadcasts onto the
// [M, N] result through the same BroadcastIndexer the elementwise ops use.
#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// The [rows, cols] matrix view of a MatMul operand, and its batch dimensions.
struct MatrixView {
  Dims batch;
  int64_t rows, cols;
};

MatrixView matrix_view(const Dims& dims, bool is_a) {
  if (dims.size() == 1) return {{}, is_a ? 1 : dims[0], is_a ? dims[0] : 1};
  return {Dims(dims.begin(), dims.end() - 2), dims[dims.size() - 2], dims.back()};
}

template <typename T>
std::string apply_matmul(const KernelArgs& args) {
  MatrixView a = matrix_view(args.in[0].type.dims, true);
  MatrixView b = matrix_view(args.in[1].type.dims, false);
  int64_t m = a.rows, k = a.cols, n = b.cols;
  // The result's leading dimensions are the broadcast batch shape (the shape rule
  // validated it); recompute it rather than slicing the result, whose trailing
  // dimensions may have been dropped for 1-D operands.
  Dims batch;
  broadcast_dims(a.batch, b.batch, batch);
  BroadcastIndexer batch_a(a.batch, batch), batch_b(b.batch, batch);
  const T* pa = args.in[0].as<const T>();
  const T* pb = args.in[1].as<const T>();
  T* y = args.out[0].as<T>();
  int64_t batches = product(batch, 0, batch.size());
  for (int64_t t = 0; t < batches; ++t) {
    const T* ma = pa + batch_a(t) * m * k;
    const T* mb = pb + batch_b(t) * k * n;
    T* my = y + t * m * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p)
          acc += static_cast<double>(ma[i * k + p]) * static_cast<double>(mb[p * n + j]);
        my[i * n + j] = static_cast<T>(acc);
      }
  }
  return {};
}

template <typename T>
std::string apply_gemm(const KernelArgs& args) {
  bool ta = args.attrs.get_int("transA") != 0, tb = args.attrs.get_int("transB") != 0;
  double alpha = args.attrs.get_float("alpha", 1.0), beta = args.attrs.get_float("beta", 1.0);
  const Dims &da = args.in[0].type.dims, &db = args.in[1].type.dims;
  int64_t m = ta ? da[1] : da[0], k = ta ? da[0] : da[1], n = tb ? db[0] : db[1];
  const T* a = args.in[0].as<const T>();
  const T* b = args.in[1].as<const T>();
  // op(A)[i][p] and op(B)[p][j] read the stored matrices transposed when asked to.
  auto at = [&](int64_t i, int64_t p) {
    return static_cast<double>(ta ? a[p * m + i] : a[i * k + p]);
  };
  auto bt = [&](int64_t p, int64_t j) {
    return static_cast<double>(tb ? b[j * k + p] : b[p * n + j]);
  };
  T* y = args.out[0].as<T>();
  const Dims& dy = args.out[0].type.dims;
  bool has_c = args.has(2);
  BroadcastIndexer index_c(has_c ? args.in[2].type.dims : Dims{}, dy);
  const T* c = has_c ? args.in[2].as<const T>() : nullptr;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += at(i, p) * bt(p, j);
      double v = alpha * acc;
      if (has_c) v += beta * static_cast<double>(c[index_c(i * n + j)]);
      y[i * n + j] = static_cast<T>(v);
    }
  return {};
}

}  // namespace

std::string run_matmul(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_matmul);  // f16/bf16: in double, rounded once
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_matmul<T>(args); });
}

std::string run_gemm(const KernelArgs& args) {
  if (has_float16(args)) return run_widened(args, run_gemm);  // f16/bf16: in double, rounded once
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_gemm<T>(args); });
}

}  // namespace halo::sem::kernels
