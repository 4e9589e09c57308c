#pragma once
// One kind of checkpoint file. A format recognises files by content (never by extension),
// opens them into the uniform Checkpoint model, and, where it can, writes them.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "formats/checkpoint_writer.h"
#include "formats/file_probe.h"

namespace graft {

enum class FormatCapability : unsigned { Read = 1, Write = 2, ReadWrite = 3 };

struct SniffResult {
  int score = 0;       // 0: not this format; higher wins when several claim a file
  std::string reason;  // why not, for the user when no format claims the file
};

class CheckpointFormat {
 public:
  virtual ~CheckpointFormat() = default;
  virtual std::string id() const = 0;           // "keras2-h5"; the CLI's --format values
  virtual std::string displayName() const = 0;  // "Keras 2 HDF5"
  virtual FormatCapability capabilities() const = 0;
  virtual std::vector<std::string> fileExtensions() const = 0;  // file dialogs; naming outputs (output_name.h)
  virtual SniffResult sniff(const FileProbe& probe) const = 0;
  // Maps a path the user may name instead of the file to sniff (a folder, a prefix, a
  // companion file) to that file; nullopt when this format does not recognise the path.
  virtual std::optional<std::filesystem::path> resolve(const std::filesystem::path&) const { return std::nullopt; }
  // Reads metadata and the tree; no tensor bytes. Throws graft::Error naming the file.
  virtual std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const = 0;
  // Opens the file sniff() just looked at, reusing what the sniff kept in the probe.
  virtual std::unique_ptr<Checkpoint> open(const FileProbe& probe) const { return open(probe.path()); }
  // The native key this format gives a variable at tree path `path` when the checkpoint comes
  // from another format (Keras 2 "dense/kernel:0" -> TF "dense/kernel"); nullopt keeps the
  // other format's key.
  virtual std::optional<std::string> keyForForeignPath(const std::string& path) const {
    (void)path;
    return std::nullopt;
  }
  // Native keys for tensors from another format, all at once (Keras 3 numbers a layer's
  // variables by position): `paths` are their tree paths, `keys` their keys where they come
  // from. By default each path goes through keyForForeignPath, and keeps its key without one.
  virtual std::vector<std::string> foreignKeys(const std::vector<std::string>& paths, const std::vector<std::string>& keys) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < paths.size(); ++i) out.push_back(keyForForeignPath(paths[i]).value_or(keys[i]));
    return out;
  }
  // The main file an export to `requested` writes (TF: "out" -> "out.index").
  virtual std::filesystem::path outputFile(const std::filesystem::path& requested) const { return requested; }
  // A writer when capabilities() include Write, else nullptr.
  virtual std::unique_ptr<CheckpointWriter> createWriter() const { return nullptr; }
};

}  // namespace graft
