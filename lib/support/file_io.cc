// file_io.cc - whole-file reads and all-or-nothing output sets.
#include "halo/support/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace halo {

Expected<std::vector<uint8_t>> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return make_error(ErrorKind::Failure, path + ": no such file");
  if (std::filesystem::is_directory(path, ec))
    return make_error(ErrorKind::Failure, path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::Failure, path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

OutputSet::~OutputSet() {
  for (auto& [tmp, dest] : files_) std::remove(tmp.c_str());
}

Status OutputSet::add(const std::string& path, const void* data, size_t size) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) return make_error(ErrorKind::Failure, parent.string() + ": cannot create directory: " + ec.message());
  }
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error(ErrorKind::Failure, path + ": cannot write: " + std::strerror(errno));
  files_.emplace_back(tmp, path);
  bool ok = std::fwrite(data, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return make_error(ErrorKind::Failure, path + ": write failed: " + std::strerror(errno));
  return {};
}

Status OutputSet::commit() {
  for (auto& [tmp, dest] : files_) {
    if (std::rename(tmp.c_str(), dest.c_str()) != 0)
      return make_error(ErrorKind::Failure, dest + ": cannot rename output: " + std::strerror(errno));
    tmp.clear();
  }
  files_.clear();
  return {};
}

}  // namespace halo
