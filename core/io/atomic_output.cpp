#include "io/atomic_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "io/error.h"

namespace graft {

AtomicOutput::AtomicOutput(std::filesystem::path destination) : destination_(std::move(destination)) {
  const auto folder = destination_.parent_path().empty() ? std::filesystem::path(".") : destination_.parent_path();
  if (!std::filesystem::is_directory(folder)) throw fileError(destination_, "the folder does not exist");
  std::string templ = (folder / ("." + destination_.filename().string() + ".graft-XXXXXX")).string();
  const int fd = ::mkstemp(templ.data());
  if (fd < 0) throw fileError(destination_, std::string("cannot create a file in its folder: ") + std::strerror(errno));
  ::close(fd);
  temp_ = templ;
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicOutput::commit(bool durable) {
  if (durable) {
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      throw fileError(destination_, std::string("cannot flush the written file: ") + std::strerror(err));
    }
    ::close(fd);
  }
  // mkstemp makes the file private (0600); give it the usual permissions of a new file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temp_.c_str(), 0666 & ~mask);
  if (std::rename(temp_.c_str(), destination_.c_str()) != 0)
    throw fileError(destination_, std::string("cannot move the finished file into place: ") + std::strerror(errno));
  committed_ = true;
}

}  // namespace graft
