// odla_reference_test.cc - libodla_reference through its public C API only.
//
// Generated code and the in-process executor talk to runtimes solely through the ODLA C
// API, so these tests do the same: they build computations as emitted code would, bind
// buffers, execute, and check the numbers against plain loops written here, independently
// of the reference kernels. They also pin down the error contract (statuses and
// messages, never crashes), integer ids, interpret mode and concurrent contexts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ODLA/odla.h"

namespace {

#define ID(s) reinterpret_cast<odla_value_id>(s)

odla_value_shape dims(std::initializer_list<int64_t> d) {
  odla_value_shape s{};
  for (int64_t v : d) s.dims[s.size++] = v;
  return s;
}

odla_value_type f32(std::initializer_list<int64_t> d) { return {ODLA_FLOAT32, dims(d)}; }

// The seed's MNIST-like head: y = softmax(x·W + b) with x [1,4], W [4,3], b [1,3].
const float kW[12] = {0.5f, -1.0f, 0.25f, 1.5f, 0.0f, -0.5f, -2.0f, 0.75f, 1.0f, 0.1f, 0.2f, 0.3f};
const float kB[3] = {0.1f, -0.2f, 0.3f};

// Independent oracle for the head above: naive loops in double.
std::vector<float> expected_head(const float* x) {
  double z[3];
  for (int j = 0; j < 3; ++j) {
    z[j] = kB[j];
    for (int k = 0; k < 4; ++k) z[j] += static_cast<double>(x[k]) * kW[k * 3 + j];
  }
  double m = std::max({z[0], z[1], z[2]}), sum = 0;
  for (double& v : z) sum += (v = std::exp(v - m));
  return {static_cast<float>(z[0] / sum), static_cast<float>(z[1] / sum),
          static_cast<float>(z[2] / sum)};
}

// Builds the head into a new computation (current on this thread) with string ids.
odla_computation build_head() {
  odla_computation comp = nullptr;
  EXPECT_EQ(odla_CreateComputation(&comp), ODLA_SUCCESS);
  odla_value x = odla_CreateArgument(f32({1, 4}), ID("x"));
  odla_value w = odla_CreateConstant(f32({4, 3}), kW, ID("W"));
  odla_value b = odla_CreateConstant(f32({1, 3}), kB, ID("b"));
  odla_value g = odla_Gemm(x, 0, w, 0, 1.0f, 0.0f, nullptr, dims({1, 3}), ID("g"));
  EXPECT_NE(g, nullptr) << odla_GetLastError();
  odla_value a = odla_Add(g, b, ID("a"));
  EXPECT_NE(a, nullptr) << odla_GetLastError();
  odla_value y = odla_Softmax(a, -1, ID("y"));
  EXPECT_NE(y, nullptr) << odla_GetLastError();
  EXPECT_EQ(odla_SetValueAsOutput(y), ODLA_SUCCESS);
  return comp;
}

void expect_near(const float* got, const std::vector<float>& want) {
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6f) << "at " << i;
}

TEST(OdlaReference, MnistHeadExecutesTwiceInOneContext) {
  odla_computation comp = build_head();
  odla_context ctx = nullptr;
  ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);

  float x1[4] = {1.0f, 2.0f, 3.0f, 4.0f}, y[3] = {};
  // Ids are compared by content: bind through a copy of the string, not the literal.
  std::string x_name = "x", y_name = "y";
  ASSERT_EQ(odla_BindToArgumentById(ID(x_name.c_str()), x1, ctx), ODLA_SUCCESS)
      << odla_GetLastError();
  ASSERT_EQ(odla_BindToOutputById(ID(y_name.c_str()), y, ctx), ODLA_SUCCESS)
      << odla_GetLastError();
  ASSERT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_SUCCESS)
      << odla_GetLastError();
  expect_near(y, expected_head(x1));
  EXPECT_STREQ(odla_GetLastError(), "");

  // Second run in the same context with new input data (intermediates are reused).
  float x2[4] = {-0.5f, 0.25f, 2.0f, -1.0f};
  ASSERT_EQ(odla_BindToArgumentById(ID("x"), x2, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_SUCCESS)
      << odla_GetLastError();
  expect_near(y, expected_head(x2));

  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
}

TEST(OdlaReference, ValueTypesOfComputationValues) {
  odla_computation comp = nullptr;
  ASSERT_EQ(odla_CreateComputation(&comp), ODLA_SUCCESS);
  odla_value x = odla_CreateArgument(f32({2, 3}), ID("x"));
  odla_value r = odla_Relu(x, ID("r"));
  ASSERT_NE(r, nullptr) << odla_GetLastError();
  odla_value_type t{};
  ASSERT_EQ(odla_GetValueType(r, &t), ODLA_SUCCESS);
  EXPECT_EQ(t.element_type, ODLA_FLOAT32);
  ASSERT_EQ(t.shape.size, 2);
  EXPECT_EQ(t.shape.dims[0], 2);
  EXPECT_EQ(t.shape.dims[1], 3);
  // A computation owns its values: releasing one is a successful no-op.
  EXPECT_EQ(odla_ReleaseValue(r), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
}

TEST(OdlaReference, ErrorsAreStatusesWithMessages) {
  odla_computation comp = build_head();
  odla_context ctx = nullptr;
  ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);
  float y[3] = {};

  // Binding an id the computation does not have.
  EXPECT_EQ(odla_BindToArgumentById(ID("nope"), y, ctx), ODLA_INVALID_PARAM);
  EXPECT_NE(std::string(odla_GetLastError()).find("'nope'"), std::string::npos)
      << odla_GetLastError();
  // "y" is an output, not an argument.
  EXPECT_EQ(odla_BindToArgumentById(ID("y"), y, ctx), ODLA_INVALID_PARAM);

  // Executing with the argument unbound names it.
  ASSERT_EQ(odla_BindToOutputById(ID("y"), y, ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr),
            ODLA_INVALID_PARAM);
  std::string msg = odla_GetLastError();
  EXPECT_NE(msg.find("argument 'x'"), std::string::npos) << msg;

  // Null handles.
  EXPECT_EQ(odla_ExecuteComputation(nullptr, ctx, ODLA_COMPUTE_INFERENCE, nullptr),
            ODLA_INVALID_PARAM);
  EXPECT_NE(std::string(odla_GetLastError()), "");
  EXPECT_EQ(odla_ExecuteComputation(comp, nullptr, ODLA_COMPUTE_INFERENCE, nullptr),
            ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_BindToArgumentById(ID("x"), y, nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_SetValueAsOutput(nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_DestroyComputation(nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_CreateComputation(nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_Relu(nullptr, ID("r")), nullptr);

  // output_dims that contradict shape inference: Gemm [1,4]x[4,3] is [1,3], not [1,4].
  odla_value x2 = odla_CreateArgument(f32({1, 4}), ID("x2"));
  odla_value w2 = odla_CreateConstant(f32({4, 3}), kW, ID("W2"));
  EXPECT_EQ(odla_Gemm(x2, 0, w2, 0, 1.0f, 0.0f, nullptr, dims({1, 4}), ID("bad")), nullptr);
  msg = odla_GetLastError();
  EXPECT_NE(msg.find("output_dims"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'bad'"), std::string::npos) << msg;
  // output_dims do not make incompatible operands acceptable ([1,4]x[1,4]).
  EXPECT_EQ(odla_Gemm(x2, 0, x2, 0, 1.0f, 0.0f, nullptr, dims({1, 4}), ID("bad2")), nullptr);
  EXPECT_NE(std::string(odla_GetLastError()).find("'bad2'"), std::string::npos);
  // Shape inference alone rejects incompatible operands.
  EXPECT_EQ(odla_Add(x2, w2, ID("bad_add")), nullptr);
  EXPECT_NE(std::string(odla_GetLastError()), "");
  // A second argument with the same id.
  EXPECT_EQ(odla_CreateArgument(f32({1}), ID("x")), nullptr);

  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
  // With no computation current, builders fail instead of crashing.
  EXPECT_EQ(odla_CreateArgument(f32({1}), ID("x")), nullptr);
  EXPECT_NE(std::string(odla_GetLastError()), "");
}

// Issue 6, item 5: every ODLA function returns an error status (or NULL) with a message
// for invalid arguments instead of crashing: NULL values and pointers, invalid element
// types and shapes, operands of the wrong type or shape, unknown ids, double destroys and
// handles of destroyed computations and contexts.
TEST(OdlaReference, InvalidArgumentsAreStatuses) {
  odla_computation comp = build_head();
  auto last = [] { return std::string(odla_GetLastError()); };

  // Types: undefined or out-of-range element types, invalid ranks, negative and
  // overflowing dimensions.
  EXPECT_EQ(odla_CreateArgument({ODLA_UNDEFINED, dims({1})}, ID("t0")), nullptr);
  EXPECT_NE(last().find("element type"), std::string::npos) << last();
  EXPECT_EQ(odla_CreateArgument({static_cast<odla_element_type>(9999), dims({1})}, ID("t1")), nullptr);
  EXPECT_NE(last().find("element type"), std::string::npos) << last();
  odla_value_type bad_rank = f32({1});
  bad_rank.shape.size = ODLA_MAX_DIMENSION + 1;
  EXPECT_EQ(odla_CreateArgument(bad_rank, ID("t2")), nullptr);
  EXPECT_NE(last().find("rank"), std::string::npos) << last();
  bad_rank.shape.size = -1;
  EXPECT_EQ(odla_CreateArgument(bad_rank, ID("t3")), nullptr);
  EXPECT_EQ(odla_CreateArgument(f32({2, -3}), ID("t4")), nullptr);
  EXPECT_NE(last().find("'t4'"), std::string::npos) << last();
  EXPECT_EQ(odla_CreateArgument(f32({int64_t{1} << 62, int64_t{1} << 62}), ID("t5")), nullptr);
  EXPECT_EQ(odla_CreateConstant(f32({2}), nullptr, ID("t6")), nullptr);
  EXPECT_NE(last().find("NULL"), std::string::npos) << last();
  EXPECT_EQ(odla_CreateValue({ODLA_UNDEFINED, dims({1})}, ID("t7")), nullptr);
  EXPECT_EQ(odla_CreateValue(f32({-1}), ID("t8")), nullptr);

  // Operands: NULL, wrong element type, shapes the operator rejects, mixed computations.
  odla_value x = odla_CreateArgument(f32({2, 3}), ID("xa"));
  odla_value xi = odla_CreateArgument({ODLA_INT32, dims({2, 3})}, ID("xi"));
  odla_value xs = odla_CreateArgument(f32({3, 2}), ID("xs"));
  ASSERT_NE(x, nullptr) << last();
  ASSERT_NE(xi, nullptr) << last();
  ASSERT_NE(xs, nullptr) << last();
  EXPECT_EQ(odla_Add(x, nullptr, ID("n1")), nullptr);
  EXPECT_NE(last().find("'n1'"), std::string::npos) << last();
  EXPECT_EQ(odla_Add(nullptr, nullptr, ID("n2")), nullptr);
  EXPECT_EQ(odla_Add(x, xi, ID("n3")), nullptr);
  EXPECT_NE(last().find("'n3'"), std::string::npos) << last();
  EXPECT_EQ(odla_Add(x, xs, ID("n4")), nullptr);
  EXPECT_NE(last().find("'n4'"), std::string::npos) << last();
  EXPECT_EQ(odla_Gemm(x, 0, x, 0, 1.0f, 0.0f, nullptr, dims({2, 3}), ID("n5")), nullptr);
  EXPECT_EQ(odla_Reshape(x, dims({4, 2}), ID("n6")), nullptr);
  EXPECT_NE(last().find("'n6'"), std::string::npos) << last();
  odla_value standalone = odla_CreateValue(f32({2, 3}), ID("sv"));
  ASSERT_NE(standalone, nullptr) << last();
  EXPECT_EQ(odla_Add(x, standalone, ID("n7")), nullptr);
  EXPECT_NE(last().find("same computation"), std::string::npos) << last();
  EXPECT_EQ(odla_SetValueData(x, kW), ODLA_INVALID_PARAM);  // a computation's value
  EXPECT_EQ(odla_SetValueData(standalone, nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_SetValueData(nullptr, kW), ODLA_INVALID_PARAM);
  float buf[6] = {};
  EXPECT_EQ(odla_GetValueData(nullptr, buf), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_GetValueData(standalone, nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_GetValueData(x, buf), ODLA_INVALID_PARAM);  // no data outside a context
  odla_value_type t{};
  EXPECT_EQ(odla_GetValueType(nullptr, &t), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_GetValueType(x, nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_ReleaseValue(nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_ReleaseValue(standalone), ODLA_SUCCESS);
  EXPECT_EQ(odla_SetValueAsOutput(standalone = nullptr), ODLA_INVALID_PARAM);

  // Binding: NULL context, data or id; ids that do not exist or are of the other kind.
  odla_context ctx = nullptr;
  EXPECT_EQ(odla_CreateContext(nullptr), ODLA_INVALID_PARAM);
  ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);
  float in[4] = {1, 2, 3, 4}, y[3] = {};
  EXPECT_EQ(odla_BindToArgumentById(ID("x"), nullptr, ctx), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_BindToOutputById(ID("y"), nullptr, ctx), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_BindToOutputById(ID("y"), y, nullptr), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_BindToArgumentById(nullptr, in, ctx), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_BindToOutputById(ID("no_such_output"), y, ctx), ODLA_INVALID_PARAM);
  EXPECT_NE(last().find("'no_such_output'"), std::string::npos) << last();
  EXPECT_EQ(odla_BindToOutputById(ID("x"), y, ctx), ODLA_INVALID_PARAM);  // an argument
  EXPECT_EQ(odla_ExecuteComputation(comp, ctx, static_cast<odla_compute_mode>(77), nullptr), ODLA_INVALID_PARAM);
  // xa, xi and xs were added as arguments above and are unbound: execution names one.
  ASSERT_EQ(odla_BindToArgumentById(ID("x"), in, ctx), ODLA_SUCCESS) << last();
  ASSERT_EQ(odla_BindToOutputById(ID("y"), y, ctx), ODLA_SUCCESS) << last();
  EXPECT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_INVALID_PARAM);
  EXPECT_NE(last().find("argument 'xa'"), std::string::npos) << last();

  // Destroying twice, and using what was destroyed, is an error, not a crash.
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_INVALID_PARAM);
  EXPECT_NE(last().find("destroyed"), std::string::npos) << last();
  EXPECT_EQ(odla_SetActiveComputation(comp), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_INVALID_PARAM);
  EXPECT_NE(last().find("destroyed"), std::string::npos) << last();
  EXPECT_EQ(odla_SetComputationItem(comp, ODLA_NUM_THREADS, in), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_INVALID_PARAM);
  EXPECT_NE(last().find("destroyed"), std::string::npos) << last();
  EXPECT_EQ(odla_BindToArgumentById(ID("x"), in, ctx), ODLA_INVALID_PARAM);
  EXPECT_EQ(odla_DestroyContext(nullptr), ODLA_INVALID_PARAM);
}

TEST(OdlaReference, KernelErrorNamesTheNode) {
  // The reference does not implement Softmax on bool. Whether the shape rule or the
  // kernel notices, the result is an error naming the node, never a crash.
  odla_computation comp = nullptr;
  ASSERT_EQ(odla_CreateComputation(&comp), ODLA_SUCCESS);
  odla_value x = odla_CreateArgument({ODLA_BOOL, dims({2})}, ID("xb"));
  odla_value r = odla_Softmax(x, -1, ID("sm"));
  if (r != nullptr) {
    ASSERT_EQ(odla_SetValueAsOutput(r), ODLA_SUCCESS);
    odla_context ctx = nullptr;
    ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);
    int32_t in[2] = {1, 0}, out[2] = {};
    ASSERT_EQ(odla_BindToArgumentById(ID("xb"), in, ctx), ODLA_SUCCESS);
    ASSERT_EQ(odla_BindToOutputById(ID("sm"), out, ctx), ODLA_SUCCESS);
    EXPECT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_FAILURE);
    EXPECT_NE(std::string(odla_GetLastError()).find("'sm'"), std::string::npos)
        << odla_GetLastError();
    odla_DestroyContext(ctx);
  } else {
    EXPECT_NE(std::string(odla_GetLastError()).find("'sm'"), std::string::npos)
        << odla_GetLastError();
  }
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
}

TEST(OdlaReference, IntegerIds) {
  odla_computation comp = nullptr;
  ASSERT_EQ(odla_CreateComputation(&comp), ODLA_SUCCESS);
  odla_bool as_int = 1;
  ASSERT_EQ(odla_SetComputationItem(comp, ODLA_VALUE_ID_AS_INT, &as_int), ODLA_SUCCESS);
  auto id = [](intptr_t n) { return reinterpret_cast<odla_value_id>(n); };
  odla_value a = odla_CreateArgument(f32({3}), id(0));
  odla_value b = odla_CreateArgument(f32({3}), id(1));
  odla_value s = odla_Sub(a, b, id(7));
  ASSERT_NE(s, nullptr) << odla_GetLastError();
  ASSERT_EQ(odla_SetValueAsOutput(s), ODLA_SUCCESS);
  // The mode cannot change once ids were decoded.
  odla_bool as_str = 0;
  EXPECT_EQ(odla_SetComputationItem(comp, ODLA_VALUE_ID_AS_INT, &as_str), ODLA_INVALID_PARAM);

  odla_context ctx = nullptr;
  ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);
  float va[3] = {5, 6, 7}, vb[3] = {1, 2, 4}, out[3] = {};
  ASSERT_EQ(odla_BindToArgumentById(id(0), va, ctx), ODLA_SUCCESS) << odla_GetLastError();
  ASSERT_EQ(odla_BindToArgumentById(id(1), vb, ctx), ODLA_SUCCESS) << odla_GetLastError();
  ASSERT_EQ(odla_BindToOutputById(id(7), out, ctx), ODLA_SUCCESS) << odla_GetLastError();
  EXPECT_EQ(odla_BindToOutputById(id(8), out, ctx), ODLA_INVALID_PARAM);
  EXPECT_NE(std::string(odla_GetLastError()).find("#8"), std::string::npos)
      << odla_GetLastError();
  ASSERT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_SUCCESS)
      << odla_GetLastError();
  EXPECT_EQ(out[0], 4.0f);
  EXPECT_EQ(out[1], 4.0f);
  EXPECT_EQ(out[2], 3.0f);
  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
}

TEST(OdlaReference, ReshapeTakesOutputDimsAndArgumentsCanBeOutputs) {
  odla_computation comp = nullptr;
  ASSERT_EQ(odla_CreateComputation(&comp), ODLA_SUCCESS);
  odla_value x = odla_CreateArgument(f32({1, 4}), ID("x"));
  // Reshape's target shape reaches ODLA only as output_dims.
  odla_value r = odla_Reshape(x, dims({2, 2}), ID("r"));
  ASSERT_NE(r, nullptr) << odla_GetLastError();
  odla_value_type t{};
  ASSERT_EQ(odla_GetValueType(r, &t), ODLA_SUCCESS);
  ASSERT_EQ(t.shape.size, 2);
  EXPECT_EQ(t.shape.dims[0], 2);
  ASSERT_EQ(odla_SetValueAsOutput(r), ODLA_SUCCESS);
  // An argument can be an output too: it is copied into the output buffer.
  ASSERT_EQ(odla_SetValueAsOutput(x), ODLA_SUCCESS);
  odla_context ctx = nullptr;
  ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);
  float in[4] = {1, 2, 3, 4}, out[4] = {}, copy[4] = {};
  ASSERT_EQ(odla_BindToArgumentById(ID("x"), in, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_BindToOutputById(ID("r"), out, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_BindToOutputById(ID("x"), copy, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_SUCCESS)
      << odla_GetLastError();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(out[i], in[i]);
    EXPECT_EQ(copy[i], in[i]);
  }
  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
}

TEST(OdlaReference, InterpretModeComputesEagerly) {
  // No computation is current here: every earlier test destroyed its own.
  odla_value a = odla_CreateValue(f32({2, 3}), ID("a"));
  odla_value b = odla_CreateValue(f32({1, 3}), ID("b"));
  ASSERT_NE(a, nullptr) << odla_GetLastError();
  ASSERT_NE(b, nullptr) << odla_GetLastError();
  float va[6] = {1, 2, 3, 4, 5, 6}, vb[3] = {10, 20, 30};
  ASSERT_EQ(odla_SetValueData(a, va), ODLA_SUCCESS);
  ASSERT_EQ(odla_SetValueData(b, vb), ODLA_SUCCESS);

  odla_value sum = odla_Add(a, b, ID("sum"));  // broadcasts b over the rows of a
  ASSERT_NE(sum, nullptr) << odla_GetLastError();
  odla_value_type t{};
  ASSERT_EQ(odla_GetValueType(sum, &t), ODLA_SUCCESS);
  EXPECT_EQ(t.element_type, ODLA_FLOAT32);
  ASSERT_EQ(t.shape.size, 2);
  EXPECT_EQ(t.shape.dims[0], 2);
  EXPECT_EQ(t.shape.dims[1], 3);
  float out[6] = {};
  ASSERT_EQ(odla_GetValueData(sum, out), ODLA_SUCCESS);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[i], va[i] + vb[i % 3]) << "at " << i;

  // Results feed further ops; the inputs are unchanged by them.
  odla_value d = odla_Sub(b, sum, ID("d"));
  odla_value r = odla_Relu(d, ID("r"));
  ASSERT_NE(r, nullptr) << odla_GetLastError();
  ASSERT_EQ(odla_GetValueData(r, out), ODLA_SUCCESS);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[i], 0.0f);

  // Shape errors are reported, not crashed on.
  odla_value c = odla_CreateValue(f32({4}), ID("c"));
  EXPECT_EQ(odla_Add(a, c, ID("bad")), nullptr);
  EXPECT_NE(std::string(odla_GetLastError()).find("'bad'"), std::string::npos)
      << odla_GetLastError();

  for (odla_value v : {a, b, c, sum, d, r}) EXPECT_EQ(odla_ReleaseValue(v), ODLA_SUCCESS);
  EXPECT_EQ(odla_ReleaseValue(nullptr), ODLA_INVALID_PARAM);
}

odla_value_ids ids(std::initializer_list<const char*> names) {
  odla_value_ids v{};
  for (const char* n : names) v.ids[v.size++] = ID(n);
  return v;
}

TEST(OdlaReference, MultiResultOpInBothModes) {
  // TopK returns odla_values; each result has its own id and can be an output.
  const float x[6] = {3, 1, 2, 5, 9, 4};
  odla_computation comp = nullptr;
  ASSERT_EQ(odla_CreateComputation(&comp), ODLA_SUCCESS);
  odla_value in = odla_CreateArgument(f32({2, 3}), ID("x"));
  odla_values r = odla_TopK(in, 2, -1, 1, 1, ids({"values", "indices"}));
  ASSERT_EQ(r.size, 2) << odla_GetLastError();
  ASSERT_EQ(odla_SetValueAsOutput(r.values[0]), ODLA_SUCCESS);
  ASSERT_EQ(odla_SetValueAsOutput(r.values[1]), ODLA_SUCCESS);
  odla_value_type t{};
  ASSERT_EQ(odla_GetValueType(r.values[1], &t), ODLA_SUCCESS);
  EXPECT_EQ(t.element_type, ODLA_INT64);
  // A wrong number of ids is an error, not a crash.
  EXPECT_EQ(odla_TopK(in, 2, -1, 1, 1, ids({"only_one"})).size, 0);
  EXPECT_NE(std::string(odla_GetLastError()).find("2 results but 1 value ids"), std::string::npos)
      << odla_GetLastError();

  odla_context ctx = nullptr;
  ASSERT_EQ(odla_CreateContext(&ctx), ODLA_SUCCESS);
  float values[4] = {};
  int64_t indices[4] = {};
  ASSERT_EQ(odla_BindToArgumentById(ID("x"), x, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_BindToOutputById(ID("values"), values, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_BindToOutputById(ID("indices"), indices, ctx), ODLA_SUCCESS);
  ASSERT_EQ(odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr), ODLA_SUCCESS)
      << odla_GetLastError();
  // Row {3, 1, 2}: 3 at 0, 2 at 2; row {5, 9, 4}: 9 at 1, 5 at 0.
  const float want_v[4] = {3, 2, 9, 5};
  const int64_t want_i[4] = {0, 2, 1, 0};
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(values[k], want_v[k]) << "at " << k;
    EXPECT_EQ(indices[k], want_i[k]) << "at " << k;
  }
  EXPECT_EQ(odla_DestroyContext(ctx), ODLA_SUCCESS);
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);

  // Interpret mode: the results are standalone values holding data.
  odla_value a = odla_CreateValue(f32({2, 3}), ID("a"));
  ASSERT_EQ(odla_SetValueData(a, x), ODLA_SUCCESS);
  odla_values s = odla_TopK(a, 1, -1, 0, 1, ids({"min", "argmin"}));
  ASSERT_EQ(s.size, 2) << odla_GetLastError();
  float mins[2] = {};
  int64_t argmins[2] = {};
  ASSERT_EQ(odla_GetValueData(s.values[0], mins), ODLA_SUCCESS);
  ASSERT_EQ(odla_GetValueData(s.values[1], argmins), ODLA_SUCCESS);
  EXPECT_EQ(mins[0], 1);
  EXPECT_EQ(mins[1], 4);
  EXPECT_EQ(argmins[0], 1);
  EXPECT_EQ(argmins[1], 2);
  for (odla_value v : {a, s.values[0], s.values[1]}) EXPECT_EQ(odla_ReleaseValue(v), ODLA_SUCCESS);
}

TEST(OdlaReference, TwoContextsRunConcurrentlyOnOneComputation) {
  odla_computation comp = build_head();
  constexpr int kRuns = 200;
  auto worker = [comp](int seed, bool* ok, std::string* error) {
    // Created and bound on a thread with no current computation: the bindings are
    // resolved when the context first executes.
    odla_context ctx = nullptr;
    if (odla_CreateContext(&ctx) != ODLA_SUCCESS) return;
    float x[4], y[3];
    if (odla_BindToArgumentById(ID("x"), x, ctx) != ODLA_SUCCESS ||
        odla_BindToOutputById(ID("y"), y, ctx) != ODLA_SUCCESS) {
      *error = odla_GetLastError();
      return;
    }
    *ok = true;
    for (int run = 0; run < kRuns && *ok; ++run) {
      for (int k = 0; k < 4; ++k) x[k] = static_cast<float>((seed * 7 + run * 3 + k) % 11) - 5;
      if (odla_ExecuteComputation(comp, ctx, ODLA_COMPUTE_INFERENCE, nullptr) != ODLA_SUCCESS) {
        *error = odla_GetLastError();
        *ok = false;
        break;
      }
      std::vector<float> want = expected_head(x);
      for (int j = 0; j < 3; ++j)
        if (std::fabs(y[j] - want[j]) > 1e-6f) *ok = false;
    }
    odla_DestroyContext(ctx);
  };
  bool ok1 = false, ok2 = false;
  std::string err1, err2;
  std::thread t1(worker, 1, &ok1, &err1), t2(worker, 2, &ok2, &err2);
  t1.join();
  t2.join();
  EXPECT_TRUE(ok1) << err1;
  EXPECT_TRUE(ok2) << err2;
  EXPECT_EQ(odla_DestroyComputation(comp), ODLA_SUCCESS);
}

}  // namespace
