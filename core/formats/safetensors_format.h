#pragma once
// safetensors (checkpoint-formats.md §5): one file `u64 N | N bytes of JSON header | data`,
// written by Hugging Face's safetensors library (Python/Rust), candle, tinygrad, ...; and
// sharded sets named by a `model.safetensors.index.json` (weight_map: tensor -> shard file).

#include <optional>
#include <string>
#include <string_view>

#include "formats/checkpoint_format.h"

namespace graft {

class SafetensorsFormat final : public CheckpointFormat {
 public:
  std::string id() const override { return "safetensors"; }
  std::string displayName() const override { return "safetensors"; }
  FormatCapability capabilities() const override { return FormatCapability::ReadWrite; }
  std::vector<std::string> fileExtensions() const override { return {".safetensors", ".safetensors.index.json"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  std::optional<std::filesystem::path> resolve(const std::filesystem::path& path) const override;
  std::unique_ptr<CheckpointWriter> createWriter() const override;
  std::optional<std::string> keyForForeignPath(const std::string& path) const override;
  using CheckpointFormat::open;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
};

namespace safetensors {

// The header's dtype string for a Graft dtype ("F32", "F8_E4M3"); nullopt when safetensors
// has none (complex128, quantized, string).
std::optional<std::string_view> dtypeString(DType t);
std::optional<DType> dtypeFromString(std::string_view s);
// Position in the reference writer's order (§5.3): smaller is written first.
int writerRank(DType t);
// The formatAttributes() key holding the file's `__metadata__` as a JSON object text, its
// members in file order; absent when the file has no `__metadata__`.
inline constexpr const char* kMetadataAttribute = "safetensors.__metadata__";
// How a sharded set's index is named: "model.safetensors.index.json".
inline constexpr std::string_view kIndexSuffix = ".safetensors.index.json";
// True when the file name ends in kIndexSuffix.
bool isIndexName(const std::filesystem::path& path);

}  // namespace safetensors
}  // namespace graft
