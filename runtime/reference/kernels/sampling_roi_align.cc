// sampling_roi_align.cc - RoiAlign (ONNX opset 22 semantics).
//
// Region r covers [x1, x2] x [y1, y2] of image X[batch_indices[r]] after scaling by
// spatial_scale (half_pixel also shifts it by -0.5; output_half_pixel instead makes it
// at least 1x1). It is cut into output_height x output_width bins, and each bin is
// sampled on a grid_h x grid_w lattice of bin centres (sampling_ratio per axis, or
// ceil(bin extent) when sampling_ratio is 0). A sample reads the 4 pixels around it
// with bilinear weights; a sample more than one pixel outside the image reads nothing,
// and one slightly outside is moved onto the edge. avg: the mean over the samples of
// the interpolated value; max: the largest weight * pixel over all samples and corners
// (what ONNX's reference and onnxruntime compute). The region geometry is computed in
// the element type (see apply), the interpolation in double.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

constexpr int64_t kMaxOutput = int64_t{1} << 20;
constexpr double kMaxGrid = 1 << 12;  // samples per bin and axis when derived from the region

struct Params {
  bool half_pixel = true, max = false;
  int64_t height = 1, width = 1, ratio = 0;
  double scale = 1;
};

std::string read_params(const OpSchema& s, const AttrMap& a, Params& p) {
  std::string ctm = a.get_string("coordinate_transformation_mode", "half_pixel");
  std::string mode = a.get_string("mode", "avg");
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return fail(s.name, "coordinate_transformation_mode '", ctm, "' is not half_pixel or output_half_pixel");
  if (mode != "avg" && mode != "max") return fail(s.name, "mode '", mode, "' is not avg or max");
  p.half_pixel = ctm == "half_pixel";
  p.max = mode == "max";
  p.height = a.get_int("output_height", 1);
  p.width = a.get_int("output_width", 1);
  p.ratio = a.get_int("sampling_ratio", 0);
  p.scale = a.get_float("spatial_scale", 1.0);
  if (p.height < 1 || p.height > kMaxOutput || p.width < 1 || p.width > kMaxOutput)
    return fail(s.name, "output_height and output_width must be positive");
  if (p.ratio < 0 || p.ratio > static_cast<int64_t>(kMaxGrid)) return fail(s.name, "sampling_ratio ", p.ratio, " out of range");
  if (!std::isfinite(p.scale)) return fail(s.name, "spatial_scale must be finite");
  return {};
}

// One bilinear sample: up to 4 (pixel offset within the plane, weight) pairs.
struct Sample {
  int64_t at[4] = {0, 0, 0, 0};
  double w[4] = {0, 0, 0, 0};
};

Sample bilinear(double y, double x, int64_t height, int64_t width) {
  Sample s;
  auto h = static_cast<double>(height), wd = static_cast<double>(width);
  if (y < -1.0 || y > h || x < -1.0 || x > wd) return s;  // reads nothing
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  auto y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x);
  int64_t y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= height - 1) {
    y0 = y1 = height - 1;
    y = static_cast<double>(y0);
  }
  if (x0 >= width - 1) {
    x0 = x1 = width - 1;
    x = static_cast<double>(x0);
  }
  double ly = y - static_cast<double>(y0), lx = x - static_cast<double>(x0);
  s.at[0] = y0 * width + x0;
  s.at[1] = y0 * width + x1;
  s.at[2] = y1 * width + x0;
  s.at[3] = y1 * width + x1;
  s.w[0] = (1 - ly) * (1 - lx);
  s.w[1] = (1 - ly) * lx;
  s.w[2] = ly * (1 - lx);
  s.w[3] = ly * lx;
  return s;
}

template <typename T, typename I>
std::string apply(const KernelArgs& args, const Params& p) {
  const Dims& dx = args.in[0].type.dims;
  int64_t batch = dx[0], channels = dx[1], height = dx[2], width = dx[3];
  int64_t regions = args.in[1].type.dims[0];
  const T* x = args.in[0].as<const T>();
  const T* rois = args.in[1].as<const T>();
  const I* index = args.in[2].as<const I>();
  T* y = args.out[0].as<T>();
  // The region's geometry is computed in T, as onnxruntime and ONNX's reference do: the
  // number of samples per bin is ceil(bin extent), which a wider type can change (4
  // pixels in float may be 4.0000001 in double, giving one more sample).
  const T shift = p.half_pixel ? T(0.5) : T(0);
  const auto scale = static_cast<T>(p.scale);
  for (int64_t r = 0; r < regions; ++r) {
    auto b = static_cast<int64_t>(index[r]);
    if (b < 0 || b >= batch) return fail(args.name(), "batch index ", b, " of region ", r, " is outside [0, ", batch, ")");
    T coords[4];
    for (int k = 0; k < 4; ++k) {
      coords[k] = rois[r * 4 + k] * scale - shift;
      if (!std::isfinite(static_cast<double>(coords[k]))) return fail(args.name(), "region ", r, " has a non-finite coordinate");
    }
    T roi_w = coords[2] - coords[0], roi_h = coords[3] - coords[1];
    if (!p.half_pixel) {
      roi_w = std::max(roi_w, T(1));
      roi_h = std::max(roi_h, T(1));
    }
    T bin_h = roi_h / static_cast<T>(p.height), bin_w = roi_w / static_cast<T>(p.width);
    double grid_hd = p.ratio > 0 ? static_cast<double>(p.ratio) : std::ceil(static_cast<double>(bin_h));
    double grid_wd = p.ratio > 0 ? static_cast<double>(p.ratio) : std::ceil(static_cast<double>(bin_w));
    if (!(grid_hd <= kMaxGrid && grid_wd <= kMaxGrid)) return fail(args.name(), "region ", r, " needs too many samples per bin");
    auto grid_h = static_cast<int64_t>(std::max(grid_hd, 0.0)), grid_w = static_cast<int64_t>(std::max(grid_wd, 0.0));
    double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
    std::vector<Sample> samples;
    for (int64_t ph = 0; ph < p.height; ++ph)
      for (int64_t pw = 0; pw < p.width; ++pw) {
        samples.clear();
        for (int64_t iy = 0; iy < grid_h; ++iy) {
          T sy = coords[1] + static_cast<T>(ph) * bin_h + static_cast<T>(static_cast<double>(iy) + 0.5) * bin_h / static_cast<T>(grid_h);
          for (int64_t ix = 0; ix < grid_w; ++ix) {
            T sx = coords[0] + static_cast<T>(pw) * bin_w + static_cast<T>(static_cast<double>(ix) + 0.5) * bin_w / static_cast<T>(grid_w);
            samples.push_back(bilinear(static_cast<double>(sy), static_cast<double>(sx), height, width));
          }
        }
        for (int64_t c = 0; c < channels; ++c) {
          const T* plane = x + (b * channels + c) * height * width;
          double out = 0;
          bool first = true;
          for (const Sample& s : samples) {
            if (p.max) {
              double v = s.w[0] * static_cast<double>(plane[s.at[0]]);
              for (int k = 1; k < 4; ++k) v = std::max(v, s.w[k] * static_cast<double>(plane[s.at[k]]));
              out = first ? v : std::max(out, v);
              first = false;
            } else {
              for (int k = 0; k < 4; ++k) out += s.w[k] * static_cast<double>(plane[s.at[k]]);
            }
          }
          if (!p.max) out /= count;
          y[((r * channels + c) * p.height + ph) * p.width + pw] = static_cast<T>(out);
        }
      }
  }
  return {};
}

}  // namespace

std::string shape_roi_align(const OpSchema& s, std::span<const TensorType> in, const AttrMap& a,
                            std::vector<TensorType>& out) {
  Params p;
  if (std::string e = read_params(s, a, p); !e.empty()) return e;
  const TensorType &x = in[0], &rois = in[1], &index = in[2];
  if (x.dtype != DType::f32 && x.dtype != DType::f64) return dtype_not_implemented(s, x.dtype);
  if (rois.dtype != x.dtype)
    return fail(s.name, "rois has element type ", dtype_name(rois.dtype), ", expected ", dtype_name(x.dtype), " like X");
  if (index.dtype != DType::i64 && index.dtype != DType::i32)
    return fail(s.name, "batch_indices must be int64 or int32, got ", dtype_name(index.dtype));
  if (x.rank() != 4) return fail(s.name, "X must be [N, C, H, W], got ", show(x.dims));
  if (rois.rank() != 2 || (rois.dims[1] != 4 && rois.dims[1] != kUnknownDim))
    return fail(s.name, "rois must be [num_rois, 4], got ", show(rois.dims));
  if (index.rank() != 1) return fail(s.name, "batch_indices must be [num_rois], got ", show(index.dims));
  if (rois.dims[0] != kUnknownDim && index.dims[0] != kUnknownDim && rois.dims[0] != index.dims[0])
    return fail(s.name, "rois ", show(rois.dims), " and batch_indices ", show(index.dims), " differ in num_rois");
  if (x.dims[2] == 0 || x.dims[3] == 0) return fail(s.name, "cannot pool the empty image ", show(x.dims));
  out = {TensorType{x.dtype, {rois.dims[0] != kUnknownDim ? rois.dims[0] : index.dims[0], x.dims[1], p.height, p.width}}};
  return {};
}

std::string run_roi_align(const KernelArgs& args) {
  Params p;
  if (std::string e = read_params(args.schema, args.attrs, p); !e.empty()) return e;
  if (args.out[0].type.num_elements() == 0) return {};
  bool i64 = args.in[2].type.dtype == DType::i64;
  return with_dtype(args.schema, args.in[0].type.dtype, [&]<typename T>() {
    return i64 ? apply<T, int64_t>(args, p) : apply<T, int32_t>(args, p);
  });
}

}  // namespace halo::sem::kernels
