#pragma once
// Writes all of `bytes` at `offset` of an open file (pwrite, retried on short writes and
// EINTR); throws graft::Error naming `file` on failure. Writers place tensors with it.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace graft {

void writeAt(const std::filesystem::path& file, int fd, std::span<const std::byte> bytes, std::uint64_t offset);
inline void writeAt(const std::filesystem::path& file, int fd, std::string_view bytes, std::uint64_t offset) {
  writeAt(file, fd, std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), offset);
}

}  // namespace graft
