// elf_object_test.cc - checks the weights object writer against the system toolchain.
//
// The writer's output is only useful if real linkers accept it, so besides inspecting it
// with readelf these tests link it into an executable and a shared library and read the
// constants back through the symbols.
#include "halo/codegen/elf_object.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using halo::codegen::build_elf_object;
using halo::codegen::ElfSymbolData;

namespace {

const float kFloats[7] = {1.5f, -2.25f, 3.0e-7f, 4.0f, 1.0e30f, -0.0f, 7.125f};
const int64_t kInts[3] = {INT64_MIN, 42, INT64_MAX};

// sym_a, sym_b and sym_c, with a one-byte symbol in front so that sym_a's alignment of
// 64 actually requires padding.
std::vector<ElfSymbolData> test_symbols() {
  static const char kByte = 'x';
  return {
      {"sym_pad", &kByte, 1, 1},
      {"sym_a", kFloats, sizeof(kFloats), 64},
      {"sym_b", kInts, sizeof(kInts), 8},
      {"sym_c", nullptr, 0, 16},
  };
}

// A fresh directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "halo_elf_XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  ASSERT_TRUE(out.good()) << path;
}

// Runs a shell command and returns its standard output (stderr is merged in so that
// failures show the tool's message); `status` receives the exit status.
std::string run(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  *status = pclose(pipe);
  return output;
}

// Writes the test object into `dir` and returns its path.
fs::path write_object(const fs::path& dir) {
  auto symbols = test_symbols();
  std::vector<uint8_t> bytes = build_elf_object(symbols);
  fs::path path = dir / "model.bin";
  write_file(path, bytes.data(), bytes.size());
  return path;
}

struct ReadelfSymbol {
  uint64_t value;
  uint64_t size;
  std::string type, bind, vis, ndx;
};

}  // namespace

TEST(ElfObject, ReadelfShowsGlobalObjectsWithSizesAndAlignment) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::path object = write_object(dir.path());

  int status = 0;
  std::string out = run("readelf -sW " + object.string(), &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(out.find("Warning"), std::string::npos) << out;
  EXPECT_EQ(out.find("Error"), std::string::npos) << out;

  // Lines look like "     3: 0000000000000040    28 OBJECT  GLOBAL DEFAULT    1 sym_a".
  std::map<std::string, ReadelfSymbol> found;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string num, value, size, type, bind, vis, ndx, name;
    if (!(fields >> num >> value >> size >> type >> bind >> vis >> ndx >> name)) continue;
    // Skips the column header ("Num:") and anything else that is not a symbol row.
    if (num.size() < 2 || num.back() != ':' ||
        num.find_first_not_of("0123456789") != num.size() - 1)
      continue;
    found[name] = {std::stoull(value, nullptr, 16), std::stoull(size, nullptr, 0), type,
                   bind, vis, ndx};
  }

  const std::map<std::string, std::pair<uint64_t, uint64_t>> expected = {
      {"sym_pad", {1, 1}},
      {"sym_a", {sizeof(kFloats), 64}},
      {"sym_b", {sizeof(kInts), 8}},
      {"sym_c", {0, 16}},
  };
  for (const auto& [name, size_align] : expected) {
    auto it = found.find(name);
    ASSERT_NE(it, found.end()) << name << " missing in:\n" << out;
    const ReadelfSymbol& s = it->second;
    EXPECT_EQ(s.type, "OBJECT") << name;
    EXPECT_EQ(s.bind, "GLOBAL") << name;
    EXPECT_EQ(s.vis, "DEFAULT") << name;
    EXPECT_NE(s.ndx, "UND") << name;
    EXPECT_EQ(s.size, size_align.first) << name;
    EXPECT_EQ(s.value % size_align.second, 0u) << name << " at " << s.value;
  }
  // The one-byte symbol comes first, so sym_a must have been padded to offset 64.
  EXPECT_EQ(found["sym_a"].value, 64u);

  // The data section must be aligned at least as strictly as its strictest symbol, and
  // the stack note must be present and non-executable.
  out = run("readelf -SW " + object.string(), &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find(".note.GNU-stack"), std::string::npos) << out;
  std::istringstream sections(out);
  bool saw_rodata = false;
  while (std::getline(sections, line)) {
    auto at = line.find(".rodata ");
    if (at == std::string::npos) continue;
    saw_rodata = true;
    // Fields after the name: Type Address Off Size ES Flg Lk Inf Al.
    std::istringstream fields(line.substr(at + 8));
    std::string type, addr, off, size, es, flg, lk, inf, al;
    ASSERT_TRUE(fields >> type >> addr >> off >> size >> es >> flg >> lk >> inf >> al)
        << line;
    EXPECT_EQ(type, "PROGBITS");
    EXPECT_EQ(flg, "A");  // allocated, not writable, not executable
    EXPECT_EQ(std::stoull(al), 64u);
    EXPECT_EQ(std::stoull(off, nullptr, 16) % 64, 0u);
  }
  EXPECT_TRUE(saw_rodata) << out;
}

TEST(ElfObject, LinksIntoExecutable) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::path object = write_object(dir.path());

  const char* source = R"(#include <stdint.h>
#include <stdio.h>
extern const char sym_pad[1];
extern const float sym_a[7];
extern const int64_t sym_b[3];
extern const char sym_c[];
int main(void) {
  printf("pad %c\n", sym_pad[0]);
  for (int i = 0; i < 7; ++i) printf("a %a\n", (double)sym_a[i]);
  for (int i = 0; i < 3; ++i) printf("b %lld\n", (long long)sym_b[i]);
  printf("align %d %d %d\n", (int)((uintptr_t)sym_a % 64), (int)((uintptr_t)sym_b % 8),
         (int)((uintptr_t)sym_c % 16));
  return 0;
}
)";
  fs::path c_file = dir.path() / "main.c";
  write_file(c_file, source, std::strlen(source));
  fs::path exe = dir.path() / "demo";

  // Fatal warnings make a missing .note.GNU-stack (executable stack warning) fail too.
  // Both a PIE and a non-PIE link must accept the object.
  for (const char* mode : {"-pie -fPIE", "-no-pie -fno-pie"}) {
    SCOPED_TRACE(mode);
    int status = 0;
    std::string out =
        run(std::string("cc -std=c11 ") + mode + " -Wl,--fatal-warnings -o " + exe.string() +
                " " + c_file.string() + " " + object.string(),
            &status);
    ASSERT_EQ(status, 0) << out;

    out = run(exe.string(), &status);
    ASSERT_EQ(status, 0) << out;

    std::ostringstream expected;
    char line[128];
    expected << "pad x\n";
    for (float f : kFloats) {
      std::snprintf(line, sizeof(line), "a %a\n", static_cast<double>(f));
      expected << line;
    }
    for (int64_t v : kInts) expected << "b " << v << "\n";
    expected << "align 0 0 0\n";
    EXPECT_EQ(out, expected.str());
  }
}

TEST(ElfObject, LinksIntoSharedLibrary) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::path object = write_object(dir.path());
  fs::path library = dir.path() / "libdeploy.so";

  int status = 0;
  std::string out = run("cc -shared -Wl,--fatal-warnings -Wl,-z,text -o " +
                            library.string() + " " + object.string(),
                        &status);
  ASSERT_EQ(status, 0) << out;

  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto* a = static_cast<const uint8_t*>(dlsym(handle, "sym_a"));
  auto* b = static_cast<const uint8_t*>(dlsym(handle, "sym_b"));
  auto* c = static_cast<const uint8_t*>(dlsym(handle, "sym_c"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(std::memcmp(a, kFloats, sizeof(kFloats)), 0);
  EXPECT_EQ(std::memcmp(b, kInts, sizeof(kInts)), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 8, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(c) % 16, 0u);
  dlclose(handle);
}

TEST(ElfObject, IsDeterministic) {
  auto symbols = test_symbols();
  std::vector<uint8_t> first = build_elf_object(symbols);
  std::vector<uint8_t> second = build_elf_object(symbols);
  EXPECT_EQ(first, second);

  // Copies of the data at other addresses must not change the output either.
  std::vector<float> floats(std::begin(kFloats), std::end(kFloats));
  symbols[1].data = floats.data();
  EXPECT_EQ(build_elf_object(symbols), first);
}

TEST(ElfObject, EmptyObjectIsValid) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::vector<uint8_t> bytes = build_elf_object({});
  fs::path object = dir.path() / "empty.bin";
  write_file(object, bytes.data(), bytes.size());

  int status = 0;
  std::string out = run("readelf -aW " + object.string(), &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(out.find("Warning"), std::string::npos) << out;
  EXPECT_NE(out.find("REL (Relocatable file)"), std::string::npos) << out;
  EXPECT_NE(out.find("Advanced Micro Devices X86-64"), std::string::npos) << out;

  out = run("cc -shared -Wl,--fatal-warnings -o " + (dir.path() / "libempty.so").string() +
                " " + object.string(),
            &status);
  EXPECT_EQ(status, 0) << out;
}
