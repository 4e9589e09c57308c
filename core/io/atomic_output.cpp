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
  // Every suffix is kept ("model.safetensors.index.json", "x.weights.h5"): formats recognise
  // their files by compound endings, and verification reopens the temporary file.
  const std::string name = destination_.filename().string();
  const auto dot = name.find('.', 1);
  const std::string extension = dot == std::string::npos ? std::string() : name.substr(dot);
  const std::string stem = name.substr(0, name.size() - extension.size());
  std::string templ = (folder / ("." + stem + ".graft-XXXXXX" + extension)).string();
  const int fd = ::mkstemps(templ.data(), static_cast<int>(extension.size()));
  if (fd < 0) throw fileError(destination_, std::string("cannot create a file in its folder: ") + std::strerror(errno));
  ::close(fd);
  temp_ = templ;
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  ::unlink(temp_.c_str());
  for (const auto& [temporary, final] : companions_) ::unlink(temporary.c_str());
}

void AtomicOutput::addCompanion(std::filesystem::path temporary, std::filesystem::path destination) {
  companions_.emplace_back(std::move(temporary), std::move(destination));
}

void AtomicOutput::commit(bool durable) {
  // mkstemp makes the file private (0600); give the results the usual permissions of a new file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  auto place = [&](const std::filesystem::path& from, const std::filesystem::path& to) {
    if (durable) {
      const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::fsync(fd) != 0) {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        throw fileError(to, std::string("cannot flush the written file: ") + std::strerror(err));
      }
      ::close(fd);
    }
    ::chmod(from.c_str(), 0666 & ~mask);
    if (std::rename(from.c_str(), to.c_str()) != 0)
      throw fileError(to, std::string("cannot move the finished file into place: ") + std::strerror(errno));
  };
  for (const auto& [temporary, final] : companions_) place(temporary, final);
  place(temp_, destination_);
  committed_ = true;
}

}  // namespace graft
