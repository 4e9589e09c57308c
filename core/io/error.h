#pragma once
// Every failure a user can see is a graft::Error whose message names the file and what is
// wrong, e.g. "model.h5: truncated HDF5 file (expected 1377088 bytes, found 4096)".

#include <filesystem>
#include <stdexcept>
#include <string>

namespace graft {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "<path>: <what>"
inline Error fileError(const std::filesystem::path& file, const std::string& what) {
  return Error(file.string() + ": " + what);
}

}  // namespace graft
