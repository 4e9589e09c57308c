#pragma once
// PyTorch zip checkpoints written by torch.save since 1.6 (checkpoint-formats.md §6): a
// stored zip with <prefix>/data.pkl (a pickle of the saved object) and <prefix>/data/<key>
// storages. The pickle is run by a restricted machine that never imports or calls anything;
// tensors anywhere in nested dicts/lists are named by their '.'-joined key path. The legacy
// (pre-1.6) pickle format and TorchScript archives are recognised and refused clearly.

#include "formats/checkpoint_format.h"

namespace graft {

class PytorchFormat final : public CheckpointFormat {
 public:
  std::string id() const override { return "pytorch"; }
  std::string displayName() const override { return "PyTorch"; }
  FormatCapability capabilities() const override { return FormatCapability::ReadWrite; }
  std::vector<std::string> fileExtensions() const override { return {".pt", ".pth", ".bin", ".ckpt"}; }
  SniffResult sniff(const FileProbe& probe) const override;
  std::unique_ptr<CheckpointWriter> createWriter() const override;
  std::optional<std::string> keyForForeignPath(const std::string& path) const override;
  using CheckpointFormat::open;
  std::unique_ptr<Checkpoint> open(const std::filesystem::path& path) const override;
};

namespace pytorch {
// data.pkl larger than this is refused (a state dict's pickle is ~100 bytes per tensor).
inline constexpr std::uint64_t kMaxPickleBytes = 256u << 20;
}  // namespace pytorch

}  // namespace graft
