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
  if (fs::is_directory(path, ec)) return make_error(ErrorKind::Failure, path + ": is a directory; cannot write the output there");
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error(ErrorKind::Failure, path + ": cannot write: " + std::strerror(errno));
  files_.emplace_back(tmp, path);
  // An empty tensor may have no buffer at all; fwrite must not be given a null pointer.
  bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return make_error(ErrorKind::Failure, path + ": write failed: " + std::strerror(errno));
  return {};
}

Status OutputSet::commit() {
  // Existing destinations are first moved aside, so that when any rename fails every
  // destination can be put back: the user sees either all new files or all old ones.
  std::vector<std::pair<std::string, std::string>> backups;  // (backup, destination)
  std::vector<std::string> published;                         // destinations without a backup
  auto roll_back = [&]() {
    for (const auto& d : published) std::remove(d.c_str());
    for (const auto& [bak, dest] : backups) std::rename(bak.c_str(), dest.c_str());
  };
  for (auto& [tmp, dest] : files_) {
    std::error_code ec;
    if (std::filesystem::exists(dest, ec)) {
      std::string bak = dest + ".bak" + std::to_string(::getpid());
      if (std::rename(dest.c_str(), bak.c_str()) != 0) {
        std::string err = std::strerror(errno);
        roll_back();
        return make_error(ErrorKind::Failure, dest + ": cannot replace: " + err);
      }
      backups.emplace_back(bak, dest);
    } else {
      published.push_back(dest);
    }
    if (std::rename(tmp.c_str(), dest.c_str()) != 0) {
      std::string err = std::strerror(errno);
      if (!backups.empty() && backups.back().second == dest) {
        std::rename(backups.back().first.c_str(), dest.c_str());
        backups.pop_back();
      } else {
        published.pop_back();
      }
      roll_back();
      return make_error(ErrorKind::Failure, dest + ": cannot write output: " + err);
    }
  }
  for (const auto& [bak, dest] : backups) std::remove(bak.c_str());
  for (auto& f : files_) f.first.clear();
  files_.clear();
  return {};
}

}  // namespace halo
