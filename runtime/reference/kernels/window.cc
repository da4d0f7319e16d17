// window.cc - sliding-window parameters shared by Conv, MaxPool and AveragePool.
//
// Conv and the pools read the same attributes (strides, dilations, pads [begin...,
// end...]) with the same ONNX defaults and compute output extents with the same
// formula. Both the shape rules and the kernels read them through read_window, so the
// two can never disagree about what an empty `pads` means.
#include "kernels.h"

namespace halo::sem::kernels {
namespace {

// Reads an ints attribute with one entry per spatial dimension (`count` entries), or
// `fallback` for each when it is empty, and requires every entry >= `min`.
std::string read_per_dim(std::string_view op, const AttrMap& attrs, std::string_view name,
                         size_t count, int64_t fallback, int64_t min, Dims& out) {
  out = attrs.get_ints(name);
  if (out.empty()) out.assign(count, fallback);
  if (out.size() != count) return fail(op, name, " has ", out.size(), " entries, expected ", count);
  for (int64_t v : out)
    if (v < min) return fail(op, name, " entries must be >= ", min, ", got ", v);
  return {};
}

}  // namespace

std::string read_window(std::string_view op, const AttrMap& attrs, size_t spatial, Dims kernel,
                        bool allow_ceil_mode, Window& w) {
  w.kernel = std::move(kernel);
  for (int64_t k : w.kernel)
    if (k < 1 && k != kUnknownDim) return fail(op, "kernel extents must be >= 1, got ", k);
  std::string err;
  if (!(err = read_per_dim(op, attrs, "strides", spatial, 1, 1, w.strides)).empty()) return err;
  if (!(err = read_per_dim(op, attrs, "dilations", spatial, 1, 1, w.dilations)).empty()) return err;
  Dims pads;
  if (!(err = read_per_dim(op, attrs, "pads", 2 * spatial, 0, 0, pads)).empty()) return err;
  w.pads_begin.assign(pads.begin(), pads.begin() + static_cast<int64_t>(spatial));
  w.pads_end.assign(pads.begin() + static_cast<int64_t>(spatial), pads.end());
  w.ceil_mode = allow_ceil_mode && attrs.get_int("ceil_mode") != 0;
  return {};
}

std::string window_output_dim(std::string_view op, const Window& w, size_t d, int64_t in,
                              int64_t& out) {
  if (in == kUnknownDim || w.kernel[d] == kUnknownDim) {
    out = kUnknownDim;
    return {};
  }
  // 128-bit arithmetic: absurd pads or dilations must yield an error, not overflow.
  using Wide = __int128;
  Wide padded = Wide(in) + w.pads_begin[d] + w.pads_end[d];
  Wide extent = Wide(w.dilations[d]) * (w.kernel[d] - 1) + 1;  // dilated kernel
  if (padded > INT64_MAX)
    return fail(op, "padded extent of spatial dimension ", d, " does not fit in int64");
  if (extent > padded)
    return fail(op, "dilated kernel extent ", static_cast<int64_t>(extent),
                " exceeds padded input extent ", static_cast<int64_t>(padded),
                " in spatial dimension ", d);
  Wide span = padded - extent;  // room for the window to slide
  Wide n = span / w.strides[d] + 1;
  if (w.ceil_mode) {
    if (span % w.strides[d] != 0) ++n;
    // ONNX: a window that would start in the end padding is dropped; windows must
    // start inside the input or the begin padding.
    if ((n - 1) * w.strides[d] >= Wide(in) + w.pads_begin[d]) --n;
  }
  out = static_cast<int64_t>(n);
  return {};
}

}  // namespace halo::sem::kernels
