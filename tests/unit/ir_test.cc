// ir_test.cc - the IR API: building, def-use bookkeeping, rewriting, the text form and
// the verifier.
#include <gtest/gtest.h>

#include <cstring>

#include "halo/ir/text.h"
#include "halo/ir/verifier.h"
#include "halo/ops/builder.h"

using namespace halo;
using namespace halo::ir;

namespace {

std::shared_ptr<std::vector<uint8_t>> floats(const std::vector<float>& v) {
  auto b = std::make_shared<std::vector<uint8_t>>(v.size() * 4);
  std::memcpy(b->data(), v.data(), b->size());
  return b;
}

// x[2,3] -> Relu -> Add(bias[3]) -> out
std::unique_ptr<Function> small_function() {
  auto f = std::make_unique<Function>("f");
  Value* x = f->add_argument("x", {DType::f32, {2, 3}});
  Value* b = f->add_constant("b", {DType::f32, {3}}, floats({1, 2, 3}));
  auto relu = create_op(*f, OpKind::Relu, {x}, {}, "r");
  EXPECT_TRUE(relu);
  auto add = create_op(*f, OpKind::Add, {(*relu)->result(), b}, {}, "out");
  EXPECT_TRUE(add);
  f->set_outputs({(*add)->result()});
  return f;
}

}  // namespace

TEST(IR, CreateOpInfersTypesAndFillsDefaults) {
  Function f("g");
  Value* a = f.add_argument("a", {DType::f32, {4, 5}});
  Value* b = f.add_argument("b", {DType::f32, {5, 6}});
  auto g = create_op(f, OpKind::Gemm, {a, b}, {}, "gemm");
  ASSERT_TRUE(g) << g.message();
  EXPECT_EQ((*g)->result()->type(), (TensorType{DType::f32, {4, 6}}));
  EXPECT_EQ((*g)->attrs().get_float("alpha"), 1.0);
  EXPECT_EQ((*g)->attrs().get_int("transA"), 0);
  EXPECT_EQ((*g)->name(), "gemm");
}

TEST(IR, CreateOpReportsShapeMismatchWithNodeName) {
  Function f("g");
  Value* a = f.add_argument("a", {DType::f32, {2, 3}});
  Value* b = f.add_argument("b", {DType::f32, {4, 5}});
  auto m = create_op(f, OpKind::MatMul, {a, b}, {}, "mm1");
  ASSERT_FALSE(m);
  EXPECT_NE(m.message().find("mm1"), std::string::npos) << m.message();
  EXPECT_NE(m.message().find("MatMul"), std::string::npos) << m.message();
  EXPECT_TRUE(f.instructions().empty());
}

TEST(IR, CreateOpRejectsWrongOperandCountAndUnknownAttribute) {
  Function f("g");
  Value* a = f.add_argument("a", {DType::f32, {2}});
  EXPECT_FALSE(create_op(f, OpKind::Add, {a}, {}, "add"));
  AttrMap bad;
  bad.set("nonsense", int64_t{1});
  auto r = create_op(f, OpKind::Relu, {a}, bad, "relu");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().kind(), ErrorKind::Unsupported);
}

TEST(IR, UsersTrackOperandsAndReplaceAllUses) {
  auto f = small_function();
  Value* x = f->find_value("x");
  Value* r = f->find_value("r");
  ASSERT_EQ(x->users().size(), 1u);
  ASSERT_EQ(r->users().size(), 1u);
  // Bypass the Relu: out = Add(x, b).
  f->replace_all_uses(r, x);
  EXPECT_EQ(r->users().size(), 0u);
  EXPECT_EQ(x->users().size(), 2u);
  f->erase(r->def());
  EXPECT_EQ(x->users().size(), 1u);
  EXPECT_TRUE(verify(*f)) << verify(*f).message();
}

TEST(IR, ReplaceAllUsesUpdatesOutputs) {
  auto f = small_function();
  Value* out = f->find_value("out");
  Value* r = f->find_value("r");
  f->replace_all_uses(out, r);
  EXPECT_EQ(f->outputs()[0], r);
}

TEST(IR, UniqueNameAvoidsExistingNames) {
  auto f = small_function();
  EXPECT_EQ(f->unique_name("fresh"), "fresh");
  EXPECT_NE(f->unique_name("x"), "x");
  EXPECT_EQ(f->find_value(f->unique_name("x")), nullptr);
}

TEST(IRText, PrintParseRoundTrip) {
  auto f = small_function();
  std::string text = print_function(*f);
  EXPECT_NE(text.find("%b = constant f32[3] dense<[1.0, 2.0, 3.0]>"), std::string::npos) << text;
  EXPECT_NE(text.find("%out = Add(%r, %b) : f32[2,3]"), std::string::npos) << text;
  auto m = parse_module(text, "t.hir");
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(print_module(**m), text);
  EXPECT_TRUE(verify(**m));
}

TEST(IRText, QuotedNamesAndSplatRoundTrip) {
  std::string text =
      "func @\"my model\"(%\"in/0:x\": f32[1,4]) {\n"
      "  %\"w:0\" = constant f32[4] splat<0.5>\n"
      "  %\"y/out\" = Mul(%\"in/0:x\", %\"w:0\") : f32[1,4]\n"
      "  return %\"y/out\"\n"
      "}\n";
  auto m = parse_module(text, "q.hir");
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(print_module(**m), text);
  const auto& c = (*m)->main()->constants()[0];
  ASSERT_EQ(c->data().size(), 16u);
  EXPECT_EQ(c->data_as<float>()[3], 0.5f);
}

TEST(IRText, ParseErrorsPointAtLineAndColumn) {
  auto m = parse_module("func @f(%x: f32[2]) {\n  %y = Relu(%z) : f32[2]\n  return %y\n}\n", "bad.hir");
  ASSERT_FALSE(m);
  EXPECT_NE(m.message().find("bad.hir:2:"), std::string::npos) << m.message();
  EXPECT_NE(m.message().find("undefined value '%z'"), std::string::npos) << m.message();
}

TEST(IRText, DeclaredTypeMustMatchInference) {
  auto m = parse_module("func @f(%x: f32[2]) {\n  %y = Relu(%x) : f32[3]\n  return %y\n}\n", "t.hir");
  ASSERT_FALSE(m);
  EXPECT_NE(m.message().find("infers as f32[2]"), std::string::npos) << m.message();
}

TEST(IRText, ConstantSizeMustMatchType) {
  auto m = parse_module("func @f(%x: f32[2]) {\n  %c = constant f32[3] dense<[1.0, 2.0]>\n  %y = Add(%x, %x) : f32[2]\n  return %y\n}\n", "t.hir");
  ASSERT_FALSE(m);
  EXPECT_NE(m.message().find("needs 3"), std::string::npos) << m.message();
}

TEST(Verifier, RejectsStaleTypesAndMissingOutputs) {
  auto f = small_function();
  f->find_value("r")->set_type({DType::f32, {9}});
  Status s = verify(*f);
  ASSERT_TRUE(s.failed());
  EXPECT_NE(s.message().find("'r'"), std::string::npos) << s.message();

  auto g = small_function();
  g->set_outputs({});
  EXPECT_TRUE(verify(*g).failed());
}
