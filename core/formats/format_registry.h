#pragma once
// The one way a file becomes a Checkpoint: every known format, asked to sniff the bytes.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "formats/checkpoint_format.h"

namespace graft {

class FormatRegistry {
 public:
  // The registry with every format Graft knows.
  static const FormatRegistry& builtin();

  void add(std::unique_ptr<CheckpointFormat> format);
  const std::vector<std::unique_ptr<CheckpointFormat>>& formats() const { return formats_; }
  const CheckpointFormat* find(const std::string& id) const;

  // The file to sniff for what the user named: a format may map a folder, a prefix or a
  // companion file to its main file; otherwise the path itself.
  std::filesystem::path resolve(const std::filesystem::path& path) const;
  // The format that claims the file, or a graft::Error saying what the file seems to be.
  const CheckpointFormat& detect(const std::filesystem::path& path) const;
  const CheckpointFormat& detect(const FileProbe& probe) const;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const;

  // "Checkpoints (*.h5 *.hdf5 *.keras);;Keras 2 HDF5 (*.h5 *.hdf5 *.keras);;All files (*)"
  std::string fileDialogFilter() const;

 private:
  std::vector<std::unique_ptr<CheckpointFormat>> formats_;
};

}  // namespace graft
