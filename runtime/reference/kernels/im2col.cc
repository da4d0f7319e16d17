// im2col.cc - Col2Im (ONNX opset 18 semantics), the inverse rearrangement of im2col.
//
// input [N, C * K, L] with K = prod(block_shape) and L = prod(blocks), where blocks[d] =
// (image[d] + pad_begin[d] + pad_end[d] - ((block[d] - 1) * dilation[d] + 1)) / stride[d]
// + 1 is the number of sliding positions along axis d. Element (n, c * K + k, l), with k
// the row-major index of a block offset b and l that of a sliding position p, lands on
// image position p * stride - pad_begin + b * dilation (dropped when in the padding); the
// image is the sum of everything that lands on each position. Accumulation is in double.
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr size_t kMaxSpatial = 6;
constexpr int64_t kMaxParam = int64_t{1} << 24;

struct Geometry {
  Dims image, block, dilations, pads, strides, blocks;
  int64_t channels = 0;  // C of the result
};

std::string read_geometry(const OpSchema& s, const TensorType& in, const AttrMap& a, Geometry& g) {
  g.image = a.get_ints("image_shape");
  g.block = a.get_ints("block_shape");
  size_t r = g.image.size();
  if (r == 0 || r > kMaxSpatial) return fail(s.name, "image_shape must have 1 to ", kMaxSpatial, " entries");
  if (g.block.size() != r)
    return fail(s.name, "block_shape ", show(g.block), " must have as many entries as image_shape ", show(g.image));
  auto list = [&](const char* name, int64_t fallback, size_t n, Dims& out) -> std::string {
    out = a.get_ints(name);
    if (out.empty()) out.assign(n, fallback);
    if (out.size() != n) return fail(s.name, name, " has ", out.size(), " entries, expected ", n);
    return {};
  };
  if (std::string e = list("dilations", 1, r, g.dilations); !e.empty()) return e;
  if (std::string e = list("pads", 0, 2 * r, g.pads); !e.empty()) return e;
  if (std::string e = list("strides", 1, r, g.strides); !e.empty()) return e;
  if (in.rank() != 3) return fail(s.name, "input must be [N, C * prod(block_shape), L], got ", show(in.dims));
  int64_t k = 1;
  g.blocks.assign(r, 0);
  for (size_t d = 0; d < r; ++d) {
    if (g.image[d] < 1 || g.image[d] > kMaxParam) return fail(s.name, "image_shape ", show(g.image), " out of range");
    if (g.block[d] < 1 || g.block[d] > kMaxParam) return fail(s.name, "block_shape ", show(g.block), " out of range");
    if (g.dilations[d] < 1 || g.dilations[d] > kMaxParam || g.strides[d] < 1 || g.strides[d] > kMaxParam)
      return fail(s.name, "dilations and strides must be positive");
    if (g.pads[d] < 0 || g.pads[d + r] < 0 || g.pads[d] > kMaxParam || g.pads[d + r] > kMaxParam)
      return fail(s.name, "pads ", show(g.pads), " out of range");
    k *= g.block[d];
    if (k > kMaxParam) return fail(s.name, "block_shape ", show(g.block), " is too large");
    int64_t span = (g.block[d] - 1) * g.dilations[d] + 1;
    int64_t padded = g.image[d] + g.pads[d] + g.pads[d + r];
    if (padded < span) return fail(s.name, "the block does not fit the padded image along axis ", d);
    g.blocks[d] = (padded - span) / g.strides[d] + 1;
  }
  int64_t rows = in.dims[1], length = in.dims[2];
  if (rows != kUnknownDim) {
    if (rows % k != 0) return fail(s.name, "input extent 1 (", rows, ") is not a multiple of prod(block_shape) = ", k);
    g.channels = rows / k;
  } else {
    g.channels = kUnknownDim;
  }
  int64_t want = product(g.blocks, 0, r);
  if (length != kUnknownDim && length != want)
    return fail(s.name, "input extent 2 is ", length, " but there are ", want, " sliding positions ", show(g.blocks));
  return {};
}

template <typename T>
std::string apply(const KernelArgs& args, const Geometry& g) {
  const Dims& di = args.in[0].type.dims;
  size_t r = g.image.size();
  int64_t batch = di[0], channels = g.channels, length = di[2];
  int64_t k_count = product(g.block, 0, r), image_size = product(g.image, 0, r);
  Dims image_strides = row_major_strides(g.image);
  const T* in = args.in[0].as<const T>();
  T* out = args.out[0].as<T>();
  std::vector<double> acc(static_cast<size_t>(image_size));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      std::fill(acc.begin(), acc.end(), 0.0);
      Dims b(r, 0);
      int64_t k = 0;
      do {
        Dims p(r, 0);
        int64_t l = 0;
        do {
          int64_t at = 0;
          bool inside = true;
          for (size_t d = 0; d < r && inside; ++d) {
            int64_t pos = p[d] * g.strides[d] - g.pads[d] + b[d] * g.dilations[d];
            inside = pos >= 0 && pos < g.image[d];
            at += pos * image_strides[d];
          }
          if (inside) acc[static_cast<size_t>(at)] += static_cast<double>(in[((n * channels + c) * k_count + k) * length + l]);
          ++l;
        } while (next_index(p, g.blocks));
        ++k;
      } while (next_index(b, g.block));
      T* dst = out + (n * channels + c) * image_size;
      for (int64_t i = 0; i < image_size; ++i) dst[i] = static_cast<T>(acc[static_cast<size_t>(i)]);
    }
  return {};
}

}  // namespace

std::string shape_col2im(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                         std::vector<TensorType>& out) {
  Geometry g;
  if (std::string e = read_geometry(s, in[0], a, g); !e.empty()) return e;
  Dims dims{in[0].dims[0], g.channels};
  dims.insert(dims.end(), g.image.begin(), g.image.end());
  out = {TensorType{in[0].dtype, dims}};
  return {};
}

std::string run_col2im(const KernelArgs& args) {
  Geometry g;
  if (std::string e = read_geometry(args.schema, args.in[0].type, args.attrs, g); !e.empty()) return e;
  if (args.out[0].type.num_elements() == 0) return {};
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() { return apply<T>(args, g); });
}

}  // namespace halo::sem::kernels
