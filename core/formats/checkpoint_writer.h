#pragma once
// How a format writes a checkpoint: the exporter describes every tensor up front, then
// streams each one's bytes in order. Writers never see where the bytes come from.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace graft {

struct OutputTensor {
  std::string key;  // native key in the output format
  DType dtype = DType::Float32;
  Shape shape;
  std::uint64_t byteSize = 0;
  NodeRole role = NodeRole::Weights;
};

struct OutputLayout {
  std::vector<std::string> layers;    // top-level layers in order, weightless ones included
  std::vector<OutputTensor> tensors;  // in the order they are written
  const Checkpoint* model = nullptr;  // the checkpoint whose file-level facts the output keeps
  bool keepModelConfig = true;        // false when the result's layers or shapes differ from it
  std::uint64_t shardBytes = 0;       // largest shard where the format shards (safetensors); 0: its default
};

class TensorSink {
 public:
  virtual ~TensorSink() = default;
  virtual void write(std::span<const std::byte> bytes) = 0;  // consecutive chunks
  virtual std::optional<FileExtent> extent() const { return std::nullopt; }
  // Called instead of write() when `bytes` bytes were copied into extent() kernel-side.
  virtual void copiedFrom(const FileExtent& source, std::uint64_t bytes) {
    (void)source;
    (void)bytes;
  }
};

class CheckpointWriter {
 public:
  virtual ~CheckpointWriter() = default;
  // Creates `file` (a temporary path; the exporter renames it) with every tensor's place.
  virtual void create(const std::filesystem::path& file, const OutputLayout& layout) = 0;
  virtual std::unique_ptr<TensorSink> tensor(std::size_t index) = 0;
  // Completes the file; after this it is a valid checkpoint.
  virtual void finish() = 0;
  virtual std::vector<std::string> warnings() const { return {}; }
  // True for a tensor whose bytes the writer made itself instead of taking the streamed ones
  // (a TF object graph kept consistent with the output): verification checks its presence only.
  virtual bool rewrites(std::size_t index) const {
    (void)index;
    return false;
  }
  // Called after verification, just before the files move into place: a format whose main
  // file names its companions (a sharded index) switches from their temporary names here.
  virtual void prepareCommit(const std::filesystem::path& destination) { (void)destination; }
  // Files written beside `file` besides it (data shards), each with the name it takes beside
  // `destination`, the main file's final name.
  virtual std::vector<std::pair<std::filesystem::path, std::filesystem::path>> companions(
      const std::filesystem::path& destination) const {
    (void)destination;
    return {};
  }
};

}  // namespace graft
