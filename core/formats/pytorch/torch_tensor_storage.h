#pragma once
// Tensor bytes of a torch.save zip, read in place from the stored data/<key> members with
// pread (checkpoint-formats.md §6.4). A contiguous little-endian tensor is a plain byte range
// of the file (FileExtent: exports copy it kernel-side); a strided view is gathered element by
// element into row-major order, and big-endian archives are byte-swapped per element.

#include <cstdint>
#include <memory>
#include <vector>

#include "checkpoint/tensor_storage.h"
#include "formats/pytorch/pickle_value.h"
#include "io/read_only_file.h"

namespace graft::pytorch {

struct StoredTensor {
  TensorView view;                  // dtype, offset, sizes and strides in elements of its storage
  std::uint64_t storageOffset = 0;  // file offset of the storage member's first byte
  bool bigEndian = false;
  std::optional<std::uint32_t> memberCrc32;  // when the tensor is its whole storage member, the zip's CRC of it
};

class TorchTensorStorage final : public TensorStorage {
 public:
  // A strided view is read whole into memory when the storage span it touches is at most
  // this; beyond, its elements are fetched in runs of consecutive storage positions.
  static constexpr std::uint64_t kDefaultWindowLimit = 64u << 20;

  // Every tensor must lie within its storage (checked by the caller); storageSlot indexes `tensors`.
  TorchTensorStorage(std::shared_ptr<const ReadOnlyFile> file, std::vector<StoredTensor> tensors,
                     std::uint64_t windowLimit = kDefaultWindowLimit);
  std::unique_ptr<TensorStream> open(const TensorInfo& tensor) const override;

 private:
  std::shared_ptr<const ReadOnlyFile> file_;
  std::vector<StoredTensor> tensors_;
  std::uint64_t windowLimit_;
};

}  // namespace graft::pytorch
