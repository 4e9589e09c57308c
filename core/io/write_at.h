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

// Opens `file` read-write for a writer to fill, creating it (0600) or emptying what is there.
// An existing empty file, such as AtomicOutput's temporary one, is not truncated: on ext4 a
// truncation marks the file for a flush when it is closed (the "replace via truncate"
// heuristic), which made closing a 250 MB export cost ~50 ms of writeback on the calling thread.
// Throws graft::Error naming `file`.
int openForWriting(const std::filesystem::path& file);
inline void writeAt(const std::filesystem::path& file, int fd, std::string_view bytes, std::uint64_t offset) {
  writeAt(file, fd, std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), offset);
}

}  // namespace graft
