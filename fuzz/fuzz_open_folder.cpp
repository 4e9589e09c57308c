// libFuzzer target: a checkpoint made of several files (a TensorFlow index with its data shards,
// a sharded safetensors set with its index JSON). The input is a little archive of files,
// each [name length: 1 byte][name][size: 4 bytes, little-endian][bytes]; they are written to a
// fresh folder on tmpfs (removed at exit) and the first one is opened as format
// GRAFT_FUZZ_FORMAT, with every tensor read through its SHA-256. fuzz/run.sh packs the real
// checkpoints this way as seeds.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "open_and_list.h"

namespace {

const std::filesystem::path& folder() {
  static const std::filesystem::path f = graft::fuzz::scratchPath("checkpoint");
  return f;
}

bool plainName(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

// Writes the input's files; returns the first one's path, or empty when the input is malformed.
std::filesystem::path unpack(const std::uint8_t* data, std::size_t size) {
  std::filesystem::remove_all(folder());
  std::filesystem::create_directories(folder());
  std::filesystem::path first;
  for (int files = 0; size > 0 && files < 8; ++files) {
    const std::size_t nameLength = data[0];
    if (size < 1 + nameLength + 4) return {};
    const std::string name(reinterpret_cast<const char*>(data + 1), nameLength);
    std::uint32_t length;
    std::memcpy(&length, data + 1 + nameLength, 4);
    data += 1 + nameLength + 4;
    size -= 1 + nameLength + 4;
    if (!plainName(name) || length > size) return {};
    std::ofstream(folder() / name, std::ios::binary).write(reinterpret_cast<const char*>(data), length);
    if (first.empty()) first = folder() / name;
    data += length;
    size -= length;
  }
  return first;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path path = unpack(data, size);
  if (path.empty()) return 0;
  graft::fuzz::openAndList(path);
  return 0;
}
