#pragma once
// A file descriptor opened read-only (sources are never modified), with positional reads.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace graft {

class ReadOnlyFile {
 public:
  // Throws graft::Error naming the file: missing, a directory, unreadable.
  explicit ReadOnlyFile(std::filesystem::path path);
  ~ReadOnlyFile();
  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&&) = delete;
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_; }

  // Reads up to out.size() bytes at offset; returns the count (short only at end of file).
  std::size_t readAt(std::uint64_t offset, std::span<std::byte> out) const;
  // Reads exactly out.size() bytes or throws a "truncated" error naming the file.
  void readExactAt(std::uint64_t offset, std::span<std::byte> out) const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// Checks the path names a readable regular file; throws graft::Error otherwise.
void requireRegularFile(const std::filesystem::path& path);

}  // namespace graft
