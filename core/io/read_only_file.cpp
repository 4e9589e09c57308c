#include "io/read_only_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "io/error.h"

namespace graft {

void requireRegularFile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) throw fileError(path, "no such file");
    throw fileError(path, std::string("cannot access: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw fileError(path, "is a directory, not a checkpoint file");
  if (!S_ISREG(st.st_mode)) throw fileError(path, "is not a regular file");
}

ReadOnlyFile::ReadOnlyFile(std::filesystem::path path) : path_(std::move(path)) {
  requireRegularFile(path_);
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw fileError(path_, std::string("cannot open for reading: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    throw fileError(path_, std::string("cannot stat: ") + std::strerror(err));
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
}

std::size_t ReadOnlyFile::readAt(std::uint64_t offset, std::span<std::byte> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fileError(path_, std::string("read error: ") + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

void ReadOnlyFile::readExactAt(std::uint64_t offset, std::span<std::byte> out) const {
  if (readAt(offset, out) != out.size())
    throw fileError(path_, "truncated file: needs " + std::to_string(offset + out.size()) +
                               " bytes, has " + std::to_string(size_));
}

}  // namespace graft
