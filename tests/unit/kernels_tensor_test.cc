// kernels_tensor_test.cc - the tensor family's reference semantics (ops/tensor.toml):
// Expand, Slice, Gather, GatherElements, GatherND, Tile, Pad, DepthToSpace, SpaceToDepth,
// Trilu, OneHot, Compress, ScatterElements, ScatterND, Einsum.
//
// Expected values are worked out by hand (most are the examples of the ONNX operator
// specification), computed by an independent loop written here, or, where a comment
// says so, pasted from NumPy 2 (np.pad). Error cases check one-line messages that name
// the op.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "kernel_harness.h"
#include "semantics.h"

namespace {

using namespace halo_test;

// ---- harness --------------------------------------------------------------------------

// 0, 1, 2, ... as f32.
Tensor iota(Dims dims) {
  TensorType t{DType::f32, dims};
  std::vector<float> v(static_cast<size_t>(t.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return f32(std::move(dims), v);
}

using F = std::vector<float>;

// ---- Expand ---------------------------------------------------------------------------

TEST(KernelsTensor, ExpandBroadcastsBothWays) {
  // [3,1] with shape [2,1,6] -> [2,3,6]: row i of each copy is x[i] repeated.
  Result r = run(OpKind::Expand, {f32({3, 1}, {1, 2, 3})}, attrs({{"shape", Dims{2, 1, 6}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2, 3, 6}));
  F want;
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 6; ++j) want.push_back(static_cast<float>(i + 1));
  EXPECT_EQ(r.f(), want);
  // A shape smaller than the input keeps the input's extents (ONNX's "dim_unchanged").
  Result s = run(OpKind::Expand, {f32({3, 1}, {1, 2, 3})}, attrs({{"shape", Dims{3, 4}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.f(), (F{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}));
}

TEST(KernelsTensor, ExpandRejectsIncompatibleShapes) {
  expect_error(run(OpKind::Expand, {iota({3, 2})}, attrs({{"shape", Dims{3, 4}}})).error, "Expand");
  expect_error(run(OpKind::Expand, {iota({3})}, attrs({{"shape", Dims{-2}}})).error, "Expand",
               "negative");
}

// ---- Slice ----------------------------------------------------------------------------

TEST(KernelsTensor, SliceStartsEndsStepsAndClamping) {
  // x = [[0..4],[5..9],[10..14]]; rows 1.., columns 0..5 by 2 (end 1000 clamps to 5).
  Result r = run(OpKind::Slice, {iota({3, 5})},
                 attrs({{"starts", Dims{1, 0}}, {"ends", Dims{1000, 1000}}, {"steps", Dims{1, 2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2, 3}));
  EXPECT_EQ(r.f(), (F{5, 7, 9, 10, 12, 14}));
  // Negative axes, starts and ends count from the end; INT64_MAX means "to the end".
  Result s = run(OpKind::Slice, {iota({3, 5})},
                 attrs({{"starts", Dims{-2}}, {"ends", Dims{std::numeric_limits<int64_t>::max()}},
                        {"axes", Dims{-1}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.f(), (F{3, 4, 8, 9, 13, 14}));
}

TEST(KernelsTensor, SliceNegativeSteps) {
  // Reverse the whole axis: start -1, end INT64_MIN (clamps to -1, i.e. before index 0).
  Result r = run(OpKind::Slice, {iota({5})},
                 attrs({{"starts", Dims{-1}}, {"ends", Dims{std::numeric_limits<int64_t>::min()}},
                        {"steps", Dims{-1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{4, 3, 2, 1, 0}));
  // From 20 (clamped to 4) down to 0 exclusive by -2: 4, 2.
  Result s = run(OpKind::Slice, {iota({5})},
                 attrs({{"starts", Dims{20}}, {"ends", Dims{0}}, {"steps", Dims{-2}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.f(), (F{4, 2}));
  // A huge negative step takes one element.
  Result t = run(OpKind::Slice, {iota({5})},
                 attrs({{"starts", Dims{3}}, {"ends", Dims{-100}},
                        {"steps", Dims{std::numeric_limits<int64_t>::min()}}}));
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.f(), (F{3}));
}

TEST(KernelsTensor, SliceEmptyResults) {
  std::vector<TensorType> out;
  AttrMap a = attrs({{"starts", Dims{1000}}, {"ends", Dims{1001}}, {"axes", Dims{1}}});
  fill_attr_defaults(op_schema(OpKind::Slice), a);
  ASSERT_EQ(infer_types(OpKind::Slice, std::vector<TensorType>{{DType::f32, {20, 10}}}, a, out), "");
  EXPECT_EQ(out[0].dims, (Dims{20, 0}));
  AttrMap b = attrs({{"starts", Dims{2}}, {"ends", Dims{1}}});
  fill_attr_defaults(op_schema(OpKind::Slice), b);
  ASSERT_EQ(infer_types(OpKind::Slice, std::vector<TensorType>{{DType::f32, {5}}}, b, out), "");
  EXPECT_EQ(out[0].dims, (Dims{0}));
}

TEST(KernelsTensor, SliceRejectsBadArguments) {
  expect_error(run(OpKind::Slice, {iota({5})},
                   attrs({{"starts", Dims{0}}, {"ends", Dims{5}}, {"steps", Dims{0}}}))
                   .error,
               "Slice", "steps");
  expect_error(run(OpKind::Slice, {iota({5, 2})},
                   attrs({{"starts", Dims{0, 0}}, {"ends", Dims{1, 1}}, {"axes", Dims{0, -2}}}))
                   .error,
               "Slice", "more than once");
  expect_error(run(OpKind::Slice, {iota({5})}, attrs({{"starts", Dims{0}}, {"ends", Dims{1, 2}}}))
                   .error,
               "Slice");
  expect_error(run(OpKind::Slice, {iota({5})},
                   attrs({{"starts", Dims{0}}, {"ends", Dims{1}}, {"axes", Dims{1}}}))
                   .error,
               "Slice", "out of range");
}

// ---- Gather ---------------------------------------------------------------------------

TEST(KernelsTensor, GatherAxis0And1) {
  // The ONNX spec's examples.
  Tensor data = f32({3, 2}, {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});
  Result r = run(OpKind::Gather, {data, i64({2, 2}, {0, 1, 1, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2, 2, 2}));
  EXPECT_EQ(r.f(), (F{1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f}));
  Tensor d2 = f32({3, 3}, {1.0f, 1.2f, 1.9f, 2.3f, 3.4f, 3.9f, 4.5f, 5.7f, 5.9f});
  Result s = run(OpKind::Gather, {d2, i32({1, 2}, {0, 2})}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.dims(), (Dims{3, 1, 2}));
  EXPECT_EQ(s.f(), (F{1.0f, 1.9f, 2.3f, 3.9f, 4.5f, 5.9f}));
}

TEST(KernelsTensor, GatherNegativeAndScalarIndices) {
  Result r = run(OpKind::Gather, {iota({10}), i64({3}, {0, -9, -10})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{0, 1, 0}));
  // A scalar index removes the axis.
  Result s = run(OpKind::Gather, {iota({3, 4}), i64({}, {-1})}, attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.dims(), (Dims{3}));
  EXPECT_EQ(s.f(), (F{3, 7, 11}));
}

TEST(KernelsTensor, GatherMovesAnyElementType) {
  Result r = run(OpKind::Gather, {boolean({4}, {1, 0, 0, 1}), i64({3}, {3, 1, 0})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.type().dtype, DType::boolean);
  EXPECT_EQ(r.get<uint8_t>(), (std::vector<uint8_t>{1, 0, 1}));
  const int64_t big = (int64_t{1} << 62) + 3;  // exact, not through double
  Result s = run(OpKind::Gather, {i64({2}, {7, big}), i32({1}, {1})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.get<int64_t>(), (std::vector<int64_t>{big}));
}

TEST(KernelsTensor, GatherErrors) {
  expect_error(run(OpKind::Gather, {iota({3}), i64({1}, {3})}).error, "Gather", "out of range");
  expect_error(run(OpKind::Gather, {iota({3}), i64({1}, {-4})}).error, "Gather", "out of range");
  expect_error(run(OpKind::Gather, {iota({3}), f32({1}, {0})}).error, "Gather", "int32 or int64");
  expect_error(run(OpKind::Gather, {iota({3}), i64({1}, {0})}, attrs({{"axis", int64_t{1}}})).error,
               "Gather", "axis");
}

// ---- GatherElements -------------------------------------------------------------------

TEST(KernelsTensor, GatherElementsSpecExamples) {
  Result r = run(OpKind::GatherElements, {f32({2, 2}, {1, 2, 3, 4}), i64({2, 2}, {0, 0, 1, 0})},
                 attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.f(), (F{1, 1, 4, 3}));
  Result s = run(OpKind::GatherElements,
                 {f32({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}), i32({2, 3}, {1, 2, 0, 2, 0, -3})});
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.dims(), (Dims{2, 3}));
  EXPECT_EQ(s.f(), (F{4, 8, 3, 7, 2, 3}));
}

TEST(KernelsTensor, GatherElementsErrors) {
  expect_error(run(OpKind::GatherElements, {iota({2, 2}), i64({2}, {0, 1})}).error,
               "GatherElements", "rank");
  expect_error(run(OpKind::GatherElements, {iota({2, 2}), i64({1, 3}, {0, 1, 0})}).error,
               "GatherElements", "exceed");
  expect_error(run(OpKind::GatherElements, {iota({2, 2}), i64({1, 1}, {2})}).error,
               "GatherElements", "out of range");
}

// ---- GatherND -------------------------------------------------------------------------

TEST(KernelsTensor, GatherNDSpecExamples) {
  // Example 1: full index tuples.
  Result a = run(OpKind::GatherND, {i32({2, 2}, {0, 1, 2, 3}), i64({2, 2}, {0, 0, 1, 1})});
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.get<int32_t>(), (std::vector<int32_t>{0, 3}));
  // Example 2: partial tuples select rows.
  Result b = run(OpKind::GatherND, {i32({2, 2}, {0, 1, 2, 3}), i64({2, 1}, {1, 0})});
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(b.dims(), (Dims{2, 2}));
  EXPECT_EQ(b.get<int32_t>(), (std::vector<int32_t>{2, 3, 0, 1}));
  // Example 3: [2,2,2] data, indices [[0,1],[1,0]] -> [[2,3],[4,5]].
  Result c = run(OpKind::GatherND, {iota({2, 2, 2}), i64({2, 2}, {0, 1, 1, 0})});
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.dims(), (Dims{2, 2}));
  EXPECT_EQ(c.f(), (F{2, 3, 4, 5}));
  // Example 5: batch_dims = 1, indices [[1],[0]] -> [[2,3],[4,5]].
  Result e = run(OpKind::GatherND, {iota({2, 2, 2}), i64({2, 1}, {1, 0})},
                 attrs({{"batch_dims", int64_t{1}}}));
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.dims(), (Dims{2, 2}));
  EXPECT_EQ(e.f(), (F{2, 3, 4, 5}));
}

TEST(KernelsTensor, GatherNDNegativeIndicesAndErrors) {
  Result a = run(OpKind::GatherND, {iota({2, 3}), i64({1, 2}, {-1, -3})});
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.f(), (F{3}));
  expect_error(run(OpKind::GatherND, {iota({2, 3}), i64({1, 3}, {0, 0, 0})}).error, "GatherND");
  expect_error(run(OpKind::GatherND, {iota({2, 3}), i64({1, 2}, {0, 3})}).error, "GatherND",
               "out of range");
  expect_error(run(OpKind::GatherND, {iota({2, 3}), i64({2, 1}, {0, 1})},
                   attrs({{"batch_dims", int64_t{2}}}))
                   .error,
               "GatherND", "batch_dims");
}

// ---- Tile -----------------------------------------------------------------------------

TEST(KernelsTensor, TileRepeatsEachDimension) {
  // ONNX's tile_precomputed: [[0,1],[2,3]] x [2,2].
  Result r = run(OpKind::Tile, {f32({2, 2}, {0, 1, 2, 3})}, attrs({{"repeats", Dims{2, 2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{4, 4}));
  EXPECT_EQ(r.f(), (F{0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3}));
  Result s = run(OpKind::Tile, {f32({1, 3}, {1, 2, 3})}, attrs({{"repeats", Dims{2, 1}}}));
  EXPECT_EQ(s.f(), (F{1, 2, 3, 1, 2, 3}));
  Result z = run(OpKind::Tile, {iota({2})}, attrs({{"repeats", Dims{0}}}));
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(z.dims(), (Dims{0}));
  expect_error(run(OpKind::Tile, {iota({2})}, attrs({{"repeats", Dims{1, 1}}})).error, "Tile");
  expect_error(run(OpKind::Tile, {iota({2})}, attrs({{"repeats", Dims{-1}}})).error, "Tile");
}

// ---- Pad ------------------------------------------------------------------------------

TEST(KernelsTensor, PadConstantWithValueAndCropping) {
  // [[0,1,2],[3,4,5]]: one row on top, one column cropped on the left, two added on
  // the right, filled with 9.
  Result r = run(OpKind::Pad, {iota({2, 3}), f32({}, {9})},
                 attrs({{"pads", Dims{1, -1, 0, 2}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{3, 4}));
  EXPECT_EQ(r.f(), (F{9, 9, 9, 9, 1, 2, 9, 9, 4, 5, 9, 9}));
  // Without constant_value the fill is 0.
  Result z = run(OpKind::Pad, {f32({2}, {5, 6}), absent()}, attrs({{"pads", Dims{1, 1}}}));
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(z.f(), (F{0, 5, 6, 0}));
}

TEST(KernelsTensor, PadReflectEdgeWrap) {
  // Values pasted from NumPy 2: np.pad([1,2,3], (5,4), 'reflect'), np.pad(.., (4,4),
  // 'wrap'), np.pad(.., (2,2), 'edge').
  Tensor x = i32({3}, {1, 2, 3});
  Result r = run(OpKind::Pad, {x}, attrs({{"pads", Dims{5, 4}}, {"mode", std::string("reflect")}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int32_t>(), (std::vector<int32_t>{2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3}));
  Result w = run(OpKind::Pad, {x}, attrs({{"pads", Dims{4, 4}}, {"mode", std::string("wrap")}}));
  ASSERT_EQ(w.error, "");
  EXPECT_EQ(w.get<int32_t>(), (std::vector<int32_t>{3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1}));
  Result e = run(OpKind::Pad, {x}, attrs({{"pads", Dims{2, 2}}, {"mode", std::string("edge")}}));
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.get<int32_t>(), (std::vector<int32_t>{1, 1, 1, 2, 3, 3, 3}));
  // 2-D edge: corners take the corner element.
  Result e2 = run(OpKind::Pad, {iota({2, 2})},
                  attrs({{"pads", Dims{1, 0, 0, 1}}, {"mode", std::string("edge")}}));
  ASSERT_EQ(e2.error, "");
  EXPECT_EQ(e2.f(), (F{0, 1, 1, 0, 1, 1, 2, 3, 3}));
}

TEST(KernelsTensor, PadErrors) {
  expect_error(run(OpKind::Pad, {iota({2})}, attrs({{"pads", Dims{1}}})).error, "Pad", "pads");
  expect_error(run(OpKind::Pad, {iota({2})}, attrs({{"pads", Dims{-2, -1}}})).error, "Pad");
  expect_error(run(OpKind::Pad, {iota({2})}, attrs({{"pads", Dims{-3, 5}}})).error, "Pad", "crop");
  expect_error(run(OpKind::Pad, {iota({2})},
                   attrs({{"pads", Dims{std::numeric_limits<int64_t>::min(),
                                        std::numeric_limits<int64_t>::max()}}}))
                   .error,
               "Pad");
  expect_error(run(OpKind::Pad, {iota({2})}, attrs({{"pads", Dims{1, 1}}, {"mode", std::string("foo")}}))
                   .error,
               "Pad", "mode");
  expect_error(run(OpKind::Pad, {iota({0})}, attrs({{"pads", Dims{1, 1}}, {"mode", std::string("edge")}}))
                   .error,
               "Pad", "empty");
  expect_error(run(OpKind::Pad, {iota({2}), f32({2}, {1, 2})}, attrs({{"pads", Dims{1, 1}}})).error,
               "Pad", "constant_value");
  expect_error(run(OpKind::Pad, {iota({2}), i32({}, {1})}, attrs({{"pads", Dims{1, 1}}})).error,
               "Pad");
}

// ---- DepthToSpace, SpaceToDepth --------------------------------------------------------

// The ONNX definition as reshape + transpose, written as index arithmetic here:
// DCR: x viewed as [N, bs, bs, C', H, W] transposed to [N, C', H, bs, W, bs].
std::vector<float> depth_to_space_reference(const Dims& d, int64_t bs, bool dcr) {
  int64_t n = d[0], c = d[1], h = d[2], w = d[3], cp = c / (bs * bs);
  std::vector<float> y;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t k = 0; k < cp; ++k)
      for (int64_t hh = 0; hh < h; ++hh)
        for (int64_t i = 0; i < bs; ++i)
          for (int64_t ww = 0; ww < w; ++ww)
            for (int64_t j = 0; j < bs; ++j) {
              int64_t ch = dcr ? i * bs * cp + j * cp + k : k * bs * bs + i * bs + j;
              y.push_back(static_cast<float>(((b * c + ch) * h + hh) * w + ww));
            }
  return y;
}

TEST(KernelsTensor, DepthToSpaceBothModes) {
  for (bool dcr : {true, false}) {
    Result r = run(OpKind::DepthToSpace, {iota({2, 8, 2, 3})},
                   attrs({{"blocksize", int64_t{2}}, {"mode", std::string(dcr ? "DCR" : "CRD")}}));
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.dims(), (Dims{2, 2, 4, 6}));
    EXPECT_EQ(r.f(), depth_to_space_reference({2, 8, 2, 3}, 2, dcr)) << (dcr ? "DCR" : "CRD");
  }
  // The spec's CRD example, first row (NumPy reshape/transpose): [0, 6, 1, 7, 2, 8].
  Result c = run(OpKind::DepthToSpace, {iota({1, 8, 2, 3})},
                 attrs({{"blocksize", int64_t{2}}, {"mode", std::string("CRD")}}));
  ASSERT_EQ(c.error, "");
  F y = c.f();
  EXPECT_EQ(F(y.begin(), y.begin() + 6), (F{0, 6, 1, 7, 2, 8}));
}

TEST(KernelsTensor, SpaceToDepthInvertsDepthToSpaceDCR) {
  Tensor x = iota({1, 2, 4, 6});
  Result s = run(OpKind::SpaceToDepth, {x}, attrs({{"blocksize", int64_t{2}}}));
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.dims(), (Dims{1, 8, 2, 3}));
  // Channel (i*bs + j)*C + c at (h, w) holds x[c, h*bs + i, w*bs + j]: channel 1 is
  // (i=0, j=0, c=1) -> x[1, 0, 0] = 24 at (0, 0); channel 2 is (0, 1, c=0) -> x[0,0,1] = 1.
  EXPECT_EQ(s.f()[6], 24);
  EXPECT_EQ(s.f()[12], 1);
  Result back = run(OpKind::DepthToSpace, {s.outs[0]}, attrs({{"blocksize", int64_t{2}}}));
  ASSERT_EQ(back.error, "");
  EXPECT_EQ(back.f(), x.values<float>());
}

TEST(KernelsTensor, DepthSpaceErrors) {
  expect_error(run(OpKind::DepthToSpace, {iota({1, 6, 2, 2})}, attrs({{"blocksize", int64_t{2}}})).error,
               "DepthToSpace", "divisible");
  expect_error(run(OpKind::DepthToSpace, {iota({8, 2, 2})}, attrs({{"blocksize", int64_t{2}}})).error,
               "DepthToSpace", "rank 4");
  expect_error(run(OpKind::DepthToSpace, {iota({1, 4, 2, 2})},
                   attrs({{"blocksize", int64_t{2}}, {"mode", std::string("XYZ")}}))
                   .error,
               "DepthToSpace", "mode");
  expect_error(run(OpKind::SpaceToDepth, {iota({1, 1, 3, 4})}, attrs({{"blocksize", int64_t{2}}})).error,
               "SpaceToDepth", "divisible");
  expect_error(run(OpKind::SpaceToDepth, {iota({1, 1, 2, 2})}, attrs({{"blocksize", int64_t{0}}})).error,
               "SpaceToDepth", "blocksize");
}

// ---- Trilu ----------------------------------------------------------------------------

TEST(KernelsTensor, TriluUpperAndLowerWithK) {
  // 3x4 matrix 0..11.
  Result u = run(OpKind::Trilu, {iota({3, 4})});
  ASSERT_EQ(u.error, "");
  EXPECT_EQ(u.f(), (F{0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11}));
  Result l = run(OpKind::Trilu, {iota({3, 4})}, attrs({{"upper", int64_t{0}}, {"k", int64_t{-1}}}));
  ASSERT_EQ(l.error, "");
  EXPECT_EQ(l.f(), (F{0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0}));
  Result u2 = run(OpKind::Trilu, {i64({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8})}, attrs({{"k", int64_t{1}}}));
  ASSERT_EQ(u2.error, "");
  EXPECT_EQ(u2.get<int64_t>(), (std::vector<int64_t>{0, 2, 0, 0, 0, 6, 0, 0}));
  // Extreme k keeps everything or nothing.
  Result all = run(OpKind::Trilu, {iota({2, 2})},
                   attrs({{"upper", int64_t{0}}, {"k", std::numeric_limits<int64_t>::max()}}));
  EXPECT_EQ(all.f(), (F{0, 1, 2, 3}));
  Result none = run(OpKind::Trilu, {iota({2, 2})}, attrs({{"k", std::numeric_limits<int64_t>::max()}}));
  EXPECT_EQ(none.f(), (F{0, 0, 0, 0}));
  expect_error(run(OpKind::Trilu, {iota({3})}).error, "Trilu", "rank");
}

// ---- OneHot ---------------------------------------------------------------------------

TEST(KernelsTensor, OneHotAxesAndNegativeIndices) {
  // indices [1, -1, 5] with depth 3: -1 means 2; 5 is out of range (all off).
  Result r = run(OpKind::OneHot, {i64({3}, {1, -1, 5}), f32({2}, {0, 7})},
                 attrs({{"depth", int64_t{3}}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{3, 3}));
  EXPECT_EQ(r.f(), (F{0, 7, 0, 0, 0, 7, 0, 0, 0}));
  // axis 0: the depth axis comes first.
  Result a = run(OpKind::OneHot, {i32({2}, {0, 2}), i32({2}, {-1, 1})},
                 attrs({{"depth", int64_t{3}}, {"axis", int64_t{0}}}));
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.dims(), (Dims{3, 2}));
  EXPECT_EQ(a.type().dtype, DType::i32);
  EXPECT_EQ(a.get<int32_t>(), (std::vector<int32_t>{1, -1, -1, -1, -1, 1}));
}

TEST(KernelsTensor, OneHotFloatIndicesTruncate) {
  Result r = run(OpKind::OneHot, {f32({3}, {1.7f, -0.5f, -3.2f}), f64({2}, {2, 3})},
                 attrs({{"depth", int64_t{3}}, {"axis", int64_t{-2}}}));
  ASSERT_EQ(r.error, "");
  // 1.7 -> 1, -0.5 -> 0, -3.2 -> -3 -> 0.
  EXPECT_EQ(r.get<double>(), (std::vector<double>{2, 3, 3, 3, 2, 2, 2, 2, 2}));
}

TEST(KernelsTensor, OneHotErrors) {
  expect_error(run(OpKind::OneHot, {i64({1}, {0}), f32({3}, {0, 1, 2})}, attrs({{"depth", int64_t{2}}}))
                   .error,
               "OneHot", "values");
  expect_error(run(OpKind::OneHot, {i64({1}, {0}), f32({2}, {0, 1})}, attrs({{"depth", int64_t{0}}})).error,
               "OneHot", "depth");
  expect_error(run(OpKind::OneHot, {i64({1}, {0}), f32({2}, {0, 1})},
                   attrs({{"depth", int64_t{2}}, {"axis", int64_t{2}}}))
                   .error,
               "OneHot", "axis");
}

// ---- Compress -------------------------------------------------------------------------

TEST(KernelsTensor, CompressAlongAxis) {
  // The spec's examples on [[1,2],[3,4],[5,6]].
  Tensor x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  Result a = run(OpKind::Compress, {x}, attrs({{"condition", Dims{0, 1, 1}}, {"axis", int64_t{0}}}));
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.dims(), (Dims{2, 2}));
  EXPECT_EQ(a.f(), (F{3, 4, 5, 6}));
  Result b = run(OpKind::Compress, {x}, attrs({{"condition", Dims{0, 1}}, {"axis", int64_t{-1}}}));
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(b.f(), (F{2, 4, 6}));
  // A shorter condition drops the rest; false entries past the end are fine.
  Result c = run(OpKind::Compress, {x}, attrs({{"condition", Dims{1}}, {"axis", int64_t{0}}}));
  EXPECT_EQ(c.f(), (F{1, 2}));
  Result d = run(OpKind::Compress, {x}, attrs({{"condition", Dims{0, 0, 1, 0}}, {"axis", int64_t{0}}}));
  EXPECT_EQ(d.f(), (F{5, 6}));
  expect_error(run(OpKind::Compress, {x}, attrs({{"condition", Dims{0, 0, 0, 1}}, {"axis", int64_t{0}}})).error,
               "Compress", "extent");
  expect_error(run(OpKind::Compress, {x}, attrs({{"condition", Dims{1}}, {"axis", int64_t{2}}})).error,
               "Compress", "axis");
}

// ---- ScatterElements ------------------------------------------------------------------

TEST(KernelsTensor, ScatterElementsSpecExamples) {
  // Example 1 of the spec: axis 0.
  Result a = run(OpKind::ScatterElements,
                 {f32({3, 3}, F(9, 0)), i64({2, 3}, {1, 0, 2, 0, 2, 1}),
                  f32({2, 3}, {1.0f, 1.1f, 1.2f, 2.0f, 2.1f, 2.2f})});
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.f(), (F{2.0f, 1.1f, 0, 1.0f, 0, 2.2f, 0, 2.1f, 1.2f}));
  // Example 2: axis 1 with a negative index.
  Result b = run(OpKind::ScatterElements,
                 {f32({1, 5}, {1, 2, 3, 4, 5}), i64({1, 2}, {1, -2}), f32({1, 2}, {1.1f, 2.1f})},
                 attrs({{"axis", int64_t{1}}}));
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(b.f(), (F{1, 1.1f, 3, 2.1f, 5}));
}

TEST(KernelsTensor, ScatterElementsReductions) {
  auto go = [](const char* reduction) {
    return run(OpKind::ScatterElements,
               {f32({1, 5}, {1, 2, 3, 4, 5}), i64({1, 2}, {1, 1}), f32({1, 2}, {1.5f, 3.0f})},
               attrs({{"axis", int64_t{1}}, {"reduction", std::string(reduction)}}));
  };
  EXPECT_EQ(go("add").f(), (F{1, 6.5f, 3, 4, 5}));
  EXPECT_EQ(go("mul").f(), (F{1, 9, 3, 4, 5}));
  EXPECT_EQ(go("max").f(), (F{1, 3, 3, 4, 5}));
  EXPECT_EQ(go("min").f(), (F{1, 1.5f, 3, 4, 5}));
  EXPECT_EQ(go("none").f(), (F{1, 3, 3, 4, 5}));  // the last write wins
  // Integer add wraps instead of overflowing.
  Result w = run(OpKind::ScatterElements,
                 {i32({2}, {std::numeric_limits<int32_t>::max(), 0}), i64({1}, {0}), i32({1}, {1})},
                 attrs({{"reduction", std::string("add")}}));
  ASSERT_EQ(w.error, "");
  EXPECT_EQ(w.get<int32_t>(), (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 0}));
}

TEST(KernelsTensor, ScatterElementsErrors) {
  expect_error(run(OpKind::ScatterElements, {iota({3}), i64({1}, {3}), f32({1}, {1})}).error,
               "ScatterElements", "out of range");
  expect_error(run(OpKind::ScatterElements, {iota({3}), i64({2}, {0, 1}), f32({1}, {1})}).error,
               "ScatterElements", "updates");
  expect_error(run(OpKind::ScatterElements, {iota({3}), i64({1}, {0}), i32({1}, {1})}).error,
               "ScatterElements", "element type");
  expect_error(run(OpKind::ScatterElements, {iota({3}), i64({1}, {0}), f32({1}, {1})},
                   attrs({{"reduction", std::string("sum")}}))
                   .error,
               "ScatterElements", "reduction");
  expect_error(run(OpKind::ScatterElements, {boolean({2}, {0, 1}), i64({1}, {0}), boolean({1}, {1})},
                   attrs({{"reduction", std::string("add")}}))
                   .error,
               "ScatterElements", "bool");
  // Bool with reduction none only moves bytes.
  Result ok = run(OpKind::ScatterElements, {boolean({2}, {0, 0}), i64({1}, {1}), boolean({1}, {1})});
  ASSERT_EQ(ok.error, "");
  EXPECT_EQ(ok.get<uint8_t>(), (std::vector<uint8_t>{0, 1}));
}

// ---- ScatterND ------------------------------------------------------------------------

TEST(KernelsTensor, ScatterNDSpecExamples) {
  // Example 1: element updates in a 1-D tensor.
  Result a = run(OpKind::ScatterND, {f32({8}, {1, 2, 3, 4, 5, 6, 7, 8}), i64({4, 1}, {4, 3, 1, 7}),
                                     f32({4}, {9, 10, 11, 12})});
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.f(), (F{1, 11, 3, 10, 9, 6, 7, 12}));
  // Example 2 (reduced): slice updates of a [4,2,2] tensor at indices [[0],[2]].
  Result b = run(OpKind::ScatterND, {iota({4, 2, 2}), i64({2, 1}, {0, 2}),
                                     f32({2, 2, 2}, {5, 5, 5, 5, 1, 1, 1, 1})});
  ASSERT_EQ(b.error, "");
  EXPECT_EQ(b.f(), (F{5, 5, 5, 5, 4, 5, 6, 7, 1, 1, 1, 1, 12, 13, 14, 15}));
}

TEST(KernelsTensor, ScatterNDReductionsAndErrors) {
  // Duplicate indices accumulate under add and mul.
  Result add = run(OpKind::ScatterND, {f32({3}, {1, 2, 3}), i64({2, 1}, {1, 1}), f32({2}, {10, 20})},
                   attrs({{"reduction", std::string("add")}}));
  ASSERT_EQ(add.error, "");
  EXPECT_EQ(add.f(), (F{1, 32, 3}));
  Result mul = run(OpKind::ScatterND, {i64({3}, {1, 2, 3}), i64({2, 1}, {-1, 2}), i64({2}, {4, 5})},
                   attrs({{"reduction", std::string("mul")}}));
  ASSERT_EQ(mul.error, "");
  EXPECT_EQ(mul.get<int64_t>(), (std::vector<int64_t>{1, 2, 60}));
  Result mx = run(OpKind::ScatterND, {u8({2, 2}, {1, 9, 3, 4}), i64({1, 2}, {0, 1}), u8({1}, {5})},
                  attrs({{"reduction", std::string("max")}}));
  ASSERT_EQ(mx.error, "");
  EXPECT_EQ(mx.get<uint8_t>(), (std::vector<uint8_t>{1, 9, 3, 4}));
  expect_error(run(OpKind::ScatterND, {iota({3}), i64({1, 1}, {3}), f32({1}, {1})}).error, "ScatterND",
               "out of range");
  expect_error(run(OpKind::ScatterND, {iota({3, 2}), i64({1, 1}, {0}), f32({3}, {1, 2, 3})}).error,
               "ScatterND", "updates");
  expect_error(run(OpKind::ScatterND, {iota({3}), i64({1, 2}, {0, 0}), f32({1}, {1})}).error,
               "ScatterND", "last dimension");
}

// ---- Einsum ---------------------------------------------------------------------------

Result einsum(const char* eq, std::vector<Tensor> ins) {
  return run(OpKind::Einsum, std::move(ins), attrs({{"equation", std::string(eq)}}));
}

TEST(KernelsTensor, EinsumMatmulTransposeTraceOuter) {
  Tensor a = iota({2, 3}), b = iota({3, 2});
  // [[0,1,2],[3,4,5]] x [[0,1],[2,3],[4,5]] = [[10,13],[28,40]].
  Result m = einsum("ij,jk->ik", {a, b});
  ASSERT_EQ(m.error, "");
  EXPECT_EQ(m.dims(), (Dims{2, 2}));
  EXPECT_EQ(m.f(), (F{10, 13, 28, 40}));
  // Implicit output: the labels used once, sorted: "ba" -> "ab" is a transpose.
  Result t = einsum("ba", {a});
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.dims(), (Dims{3, 2}));
  EXPECT_EQ(t.f(), (F{0, 3, 1, 4, 2, 5}));
  // Uppercase sorts before lowercase (ASCII, as NumPy): "aB" -> "Ba".
  EXPECT_EQ(einsum("aB", {a}).dims(), (Dims{3, 2}));
  // Repeated label: trace (implicit, nothing left) and diagonal.
  Tensor sq = iota({3, 3});
  Result tr = einsum("ii", {sq});
  ASSERT_EQ(tr.error, "");
  EXPECT_EQ(tr.dims(), (Dims{}));
  EXPECT_EQ(tr.f(), (F{12}));
  EXPECT_EQ(einsum("ii->i", {sq}).f(), (F{0, 4, 8}));
  // Outer product and full sum.
  EXPECT_EQ(einsum("i,j->ij", {f32({2}, {1, 2}), f32({3}, {1, 10, 100})}).f(),
            (F{1, 10, 100, 2, 20, 200}));
  EXPECT_EQ(einsum("ij->", {a}).f(), (F{15}));
}

TEST(KernelsTensor, EinsumEllipsisBroadcastsBatch) {
  // [2,1,2,3] x [4,3,2] -> [2,4,2,2]: batch dims (2,1) and (4) broadcast to (2,4).
  Tensor a = iota({2, 1, 2, 3}), b = iota({4, 3, 2});
  Result r = einsum("...ij,...jk->...ik", {a, b});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.dims(), (Dims{2, 4, 2, 2}));
  F want;
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 4; ++q)
      for (int i = 0; i < 2; ++i)
        for (int k = 0; k < 2; ++k) {
          float sum = 0;
          for (int j = 0; j < 3; ++j)
            sum += static_cast<float>(p * 6 + i * 3 + j) * static_cast<float>(q * 6 + j * 2 + k);
          want.push_back(sum);
        }
  EXPECT_EQ(r.f(), want);
  // ONNX's batch_diagonal: "...ii ->...i" (spaces are ignored).
  Result d = einsum("...ii ->...i", {iota({2, 2, 2})});
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.f(), (F{0, 3, 4, 7}));
}

TEST(KernelsTensor, EinsumIntegersAreExact) {
  const int64_t big = (int64_t{1} << 60) + 1;  // not representable in double
  Result r = einsum("i,i", {i64({2}, {big, 1}), i64({2}, {1, 2})});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.get<int64_t>(), (std::vector<int64_t>{big + 2}));
  Result s = einsum("ij->j", {i32({2, 2}, {-1, 2, -3, 4})});
  EXPECT_EQ(s.get<int32_t>(), (std::vector<int32_t>{-4, 6}));
}

TEST(KernelsTensor, EinsumErrors) {
  expect_error(einsum("ij,jk->ik", {iota({2, 3})}).error, "Einsum", "operand terms");
  expect_error(einsum("ijk->i", {iota({2, 3})}).error, "Einsum", "rank");
  expect_error(einsum("i1->i", {iota({2, 3})}).error, "Einsum", "invalid character");
  expect_error(einsum("ij->k", {iota({2, 3})}).error, "Einsum", "does not appear");
  expect_error(einsum("ij->ii", {iota({2, 3})}).error, "Einsum", "twice");
  expect_error(einsum("ij,jk->ik", {iota({2, 3}), iota({2, 2})}).error, "Einsum", "differ");
  expect_error(einsum("...i->i", {iota({2, 3})}).error, "Einsum", "'...'");
}

}  // namespace
