#include "formats/pytorch/torch_tensor_storage.h"

#include <algorithm>
#include <cstring>

#include "io/error.h"

namespace graft::pytorch {
namespace {

// Bytes swapped per unit: per element, per component for complex numbers.
std::size_t swapUnit(DType t) {
  if (t == DType::Complex64 || t == DType::Complex128) return dtypeSize(t) / 2;
  return dtypeSize(t);
}

class TorchTensorStream final : public TensorStream {
 public:
  TorchTensorStream(std::shared_ptr<const ReadOnlyFile> file, const StoredTensor& stored, std::string key,
                    std::uint64_t windowLimit)
      : file_(std::move(file)), t_(stored.view), storageOffset_(stored.storageOffset), bigEndian_(stored.bigEndian),
        memberCrc32_(stored.memberCrc32),
        key_(std::move(key)), elementSize_(dtypeSize(t_.dtype)), windowLimit_(windowLimit) {
    count_ = t_.elementCount();
    plain_ = t_.contiguous() && (!bigEndian_ || swapUnit(t_.dtype) == 1);
    if (count_ > 0) {
      last_ = t_.offset;
      for (std::size_t i = 0; i < t_.sizes.size(); ++i) last_ += (t_.sizes[i] - 1) * t_.strides[i];
    }
  }

  std::optional<FileExtent> extent() const override {
    if (!plain_) return std::nullopt;
    return FileExtent{file_->fd(), storageOffset_ + t_.offset * elementSize_, std::nullopt, memberCrc32_};
  }
  std::uint64_t size() const override { return count_ * elementSize_; }

  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset > size() || out.size() > size() - offset) throw fileError(file_->path(), "read beyond tensor '" + key_ + "'");
    if (out.empty()) return;
    if (plain_) return file_->readExactAt(storageOffset_ + t_.offset * elementSize_ + offset, out);
    // Whole elements covering the range, gathered row-major, then the requested bytes.
    const std::uint64_t first = offset / elementSize_;
    const std::uint64_t end = (offset + out.size() + elementSize_ - 1) / elementSize_;
    const std::size_t skip = static_cast<std::size_t>(offset - first * elementSize_);
    if (skip == 0 && out.size() == (end - first) * elementSize_) return gather(first, end - first, out);
    scratch_.resize(static_cast<std::size_t>((end - first) * elementSize_));
    gather(first, end - first, scratch_);
    std::memcpy(out.data(), scratch_.data() + skip, out.size());
  }

 private:
  // Elements [first, first + n) in row-major order into dst, byte-swapped if the archive is big-endian.
  void gather(std::uint64_t first, std::uint64_t n, std::span<std::byte> dst) {
    const std::size_t rank = t_.sizes.size();
    std::vector<std::uint64_t> index(rank);
    std::uint64_t pos = t_.offset;
    for (std::size_t k = 0; k < rank; ++k) {  // unravel `first`
      index[k] = (first / rowStride(k)) % t_.sizes[k];
      pos += index[k] * t_.strides[k];
    }
    const bool windowed = (last_ - t_.offset + 1) * elementSize_ <= windowLimit_;
    if (windowed && window_.empty()) {
      window_.resize(static_cast<std::size_t>((last_ - t_.offset + 1) * elementSize_));
      file_->readExactAt(storageOffset_ + t_.offset * elementSize_, window_);
    }
    std::uint64_t runStart = pos, runLength = 0, runDst = 0;
    auto flush = [&] {
      if (runLength == 0) return;
      file_->readExactAt(storageOffset_ + runStart * elementSize_,
                         dst.subspan(static_cast<std::size_t>(runDst * elementSize_), static_cast<std::size_t>(runLength * elementSize_)));
    };
    for (std::uint64_t i = 0; i < n; ++i) {
      if (windowed) {
        std::memcpy(dst.data() + i * elementSize_, window_.data() + (pos - t_.offset) * elementSize_, elementSize_);
      } else if (runLength > 0 && pos == runStart + runLength) {
        ++runLength;
      } else {
        flush();
        runStart = pos, runLength = 1, runDst = i;
      }
      for (std::size_t k = rank; k-- > 0;) {  // next row-major index
        pos += t_.strides[k];
        if (++index[k] < t_.sizes[k]) break;
        pos -= t_.strides[k] * t_.sizes[k];
        index[k] = 0;
      }
    }
    if (!windowed) flush();
    if (bigEndian_) swapBytes(dst.first(static_cast<std::size_t>(n * elementSize_)));
  }

  // Elements per step of dimension k in row-major order.
  std::uint64_t rowStride(std::size_t k) const {
    std::uint64_t s = 1;
    for (std::size_t j = k + 1; j < t_.sizes.size(); ++j) s *= t_.sizes[j];
    return s;
  }

  void swapBytes(std::span<std::byte> bytes) const {
    const std::size_t unit = swapUnit(t_.dtype);
    if (unit <= 1) return;
    for (std::size_t i = 0; i + unit <= bytes.size(); i += unit) std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(i), bytes.begin() + static_cast<std::ptrdiff_t>(i + unit));
  }

  std::shared_ptr<const ReadOnlyFile> file_;
  TensorView t_;
  std::uint64_t storageOffset_;
  bool bigEndian_;
  std::optional<std::uint32_t> memberCrc32_;
  std::string key_;
  std::uint64_t elementSize_;
  std::uint64_t windowLimit_;
  std::uint64_t count_ = 0;
  std::uint64_t last_ = 0;  // storage index of the last element
  bool plain_ = false;      // row-major and needing no swap: the bytes lie verbatim in the file
  std::vector<std::byte> window_;
  std::vector<std::byte> scratch_;
};

}  // namespace

TorchTensorStorage::TorchTensorStorage(std::shared_ptr<const ReadOnlyFile> file, std::vector<StoredTensor> tensors,
                                       std::uint64_t windowLimit)
    : file_(std::move(file)), tensors_(std::move(tensors)), windowLimit_(windowLimit) {}

std::unique_ptr<TensorStream> TorchTensorStorage::open(const TensorInfo& tensor) const {
  if (tensor.storageSlot >= tensors_.size()) throw fileError(file_->path(), "no tensor '" + tensor.key + "' in this checkpoint");
  return std::make_unique<TorchTensorStream>(file_, tensors_[static_cast<std::size_t>(tensor.storageSlot)], tensor.key,
                                             windowLimit_);
}

}  // namespace graft::pytorch
