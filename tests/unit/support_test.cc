// support_test.cc - attribute maps, tensor types, op schemas and all-or-nothing output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "halo/support/file_io.h"
#include "op_schema.h"
#include "tensor.h"

using namespace halo;
namespace fs = std::filesystem;

TEST(Support, AttrMapTypedGettersAndOrder) {
  sem::AttrMap m;
  m.set("z", int64_t{3});
  m.set("a", 2.5);
  m.set("ints", std::vector<int64_t>{1, 2});
  EXPECT_EQ(m.get_int("z"), 3);
  EXPECT_EQ(m.get_float("a"), 2.5);
  EXPECT_EQ(m.get_float("z"), 3.0);  // ints read as floats
  EXPECT_EQ(m.get_ints("ints"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(m.get_int("missing", 7), 7);
  EXPECT_EQ(m.entries().front().first, "a");  // sorted: deterministic printing
  m.erase("a");
  EXPECT_FALSE(m.has("a"));
}

TEST(Support, TensorTypeCountsAndOverflow) {
  sem::TensorType t{sem::DType::f32, {2, 3, 4}};
  EXPECT_EQ(t.num_elements(), 24);
  EXPECT_EQ(t.num_bytes(), 96);
  EXPECT_EQ(sem::to_string(t), "f32[2,3,4]");
  sem::TensorType scalar{sem::DType::i64, {}};
  EXPECT_EQ(scalar.num_elements(), 1);
  sem::TensorType huge{sem::DType::f32, {int64_t{1} << 40, int64_t{1} << 40}};
  EXPECT_EQ(huge.num_elements(), -1);
  sem::TensorType unknown{sem::DType::f32, {sem::kUnknownDim, 3}};
  EXPECT_FALSE(unknown.is_static());
  EXPECT_EQ(unknown.num_bytes(), -1);
}

TEST(Support, OpSchemaLookupAndDefaults) {
  auto k = sem::op_kind_from_name("Conv");
  ASSERT_TRUE(k);
  const auto& s = sem::op_schema(*k);
  EXPECT_EQ(s.odla_function, "odla_Conv");
  EXPECT_TRUE(s.operands[2].optional);
  sem::AttrMap attrs;
  EXPECT_EQ(sem::fill_attr_defaults(s, attrs), "");
  EXPECT_EQ(attrs.get_int("group"), 1);
  EXPECT_TRUE(attrs.get_ints("pads").empty());
  // MaxPool's kernel_shape has no default: filling reports it.
  sem::AttrMap pool;
  EXPECT_EQ(sem::fill_attr_defaults(sem::op_schema(*sem::op_kind_from_name("MaxPool")), pool), "kernel_shape");
  EXPECT_FALSE(sem::op_kind_from_name("NoSuchOp"));
}

TEST(Support, OutputSetPublishesOnlyOnCommit) {
  fs::path dir = fs::temp_directory_path() / ("halo_outset_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    OutputSet set;
    ASSERT_FALSE(set.add((dir / "a.txt").string(), std::string("new")).failed());
    EXPECT_FALSE(fs::exists(dir / "a.txt"));
  }  // destroyed without commit: nothing published, no temporaries left
  EXPECT_FALSE(fs::exists(dir / "a.txt"));
  EXPECT_TRUE(fs::is_empty(dir));
  {
    OutputSet set;
    ASSERT_FALSE(set.add((dir / "a.txt").string(), std::string("v1")).failed());
    ASSERT_FALSE(set.commit().failed());
  }
  std::ifstream in(dir / "a.txt");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "v1");
  fs::remove_all(dir);
}

TEST(Support, ReadFileNamesMissingFile) {
  auto r = read_file("/nonexistent/dir/model.onnx");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("/nonexistent/dir/model.onnx"), std::string::npos);
}
