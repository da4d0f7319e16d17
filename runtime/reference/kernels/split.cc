// split.cc - Split: consecutive pieces of X along one axis, one result per piece.
//
// The pieces' extents come from the `split` attribute, or from `num_outputs`: pieces of
// ceil(extent / num_outputs), the last one taking what is left (ONNX opset 18). The
// kernel views X as [outer, extent * inner] and copies each piece's part of every row.
#include <algorithm>

#include "kernels.h"

namespace halo::sem::kernels {

namespace {

// No ODLA runtime returns more than ODLA_MAX_OUTPUTS (64) results; refusing more here
// also keeps a bad num_outputs from allocating a huge list of result types.
constexpr int64_t kMaxPieces = 64;

// The extent of every piece along the axis of extent `n` (which may be unknown: then the
// pieces of num_outputs are unknown too, while an explicit split still fixes them).
std::string piece_extents(const OpSchema& s, const AttrMap& attrs, int64_t n, Dims& pieces) {
  Dims split = attrs.get_ints("split");
  int64_t count = attrs.get_int("num_outputs", 0);
  if (!split.empty()) {
    if (count != 0 && count != static_cast<int64_t>(split.size()))
      return fail(s.name, "num_outputs ", count, " differs from the ", split.size(), " entries of split");
    if (static_cast<int64_t>(split.size()) > kMaxPieces)
      return fail(s.name, split.size(), " pieces are more than the ", kMaxPieces, " results an operator may have");
    int64_t sum = 0;
    for (int64_t e : split) {
      if (e < 0) return fail(s.name, "split ", show(split), " has a negative extent");
      if (e > INT64_MAX - sum) return fail(s.name, "split ", show(split), " overflows");
      sum += e;
    }
    if (n >= 0 && sum != n)
      return fail(s.name, "split ", show(split), " adds up to ", sum, ", not to the extent ", n, " of the axis");
    pieces = split;
    return {};
  }
  if (count < 1) return fail(s.name, "needs split or num_outputs >= 1, got num_outputs ", count);
  if (count > kMaxPieces)
    return fail(s.name, "num_outputs ", count, " is more than the ", kMaxPieces, " results an operator may have");
  if (n < 0) {
    pieces.assign(static_cast<size_t>(count), kUnknownDim);
    return {};
  }
  int64_t chunk = n / count + (n % count != 0 ? 1 : 0);
  int64_t last = n - chunk * (count - 1);
  if (last < 0)
    return fail(s.name, "cannot cut extent ", n, " into ", count, " pieces of ", chunk, " with a smaller last one");
  pieces.assign(static_cast<size_t>(count), chunk);
  pieces.back() = last;
  return {};
}

template <typename T>
std::string split(const KernelArgs& args, size_t axis) {
  const Dims& dx = args.in[0].type.dims;
  int64_t outer = product(dx, 0, axis), inner = product(dx, axis + 1, dx.size());
  int64_t x_row = dx[axis] * inner;
  const T* x = args.in[0].as<const T>();
  int64_t offset = 0;  // where this piece starts within a row of X
  for (TensorView& out : args.out) {
    int64_t row = out.type.dims[axis] * inner;
    T* y = out.as<T>();
    for (int64_t o = 0; o < outer; ++o)
      std::copy(x + o * x_row + offset, x + o * x_row + offset + row, y + o * row);
    offset += row;
  }
  return {};
}

}  // namespace

std::string shape_split(const OpSchema& s, std::span<const TensorType> in, const AttrMap& attrs,
                        std::vector<TensorType>& out) {
  const TensorType& x = in[0];
  if (x.rank() == 0) return fail(s.name, "needs an operand of rank 1 or more");
  int64_t axis = normalize_axis(attrs.get_int("axis", 0), static_cast<int64_t>(x.rank()));
  if (axis < 0) return fail(s.name, "axis ", attrs.get_int("axis", 0), " is out of range for rank ", x.rank());
  Dims pieces;
  if (std::string err = piece_extents(s, attrs, x.dims[static_cast<size_t>(axis)], pieces); !err.empty())
    return err;
  for (int64_t e : pieces) {
    Dims y = x.dims;
    y[static_cast<size_t>(axis)] = e;
    out.push_back(TensorType{x.dtype, y});
  }
  return {};
}

std::string run_split(const KernelArgs& args) {
  const TensorType& x = args.in[0].type;
  auto axis = static_cast<size_t>(normalize_axis(args.attrs.get_int("axis", 0), static_cast<int64_t>(x.rank())));
  return with_storage_type(args.schema, x.dtype, [&]<typename T>() { return split<T>(args, axis); });
}

}  // namespace halo::sem::kernels
