#pragma once
// The bytes a format needs to recognise a file by content: its head and tail.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace graft {

class FileProbe {
 public:
  // Reads the first and last few KiB. Throws graft::Error for a missing file, a directory,
  // or an unreadable one.
  explicit FileProbe(std::filesystem::path path);

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t fileSize() const { return size_; }
  const std::vector<std::byte>& head() const { return head_; }
  const std::vector<std::byte>& tail() const { return tail_; }

  // True if `magic` stands at `offset` (within the head).
  bool hasBytesAt(std::size_t offset, std::initializer_list<std::uint8_t> magic) const;
  // HDF5 signature at 0, 512, 1024, 2048, ... (a user block shifts it; checkpoint-formats.md §1.6).
  bool looksLikeHdf5() const;
  // A zip's local file header signature at 0 (.keras archives, PyTorch checkpoints).
  bool looksLikeZip() const;
  // A zip's first member name, from its local header in the head; "" when not a zip.
  std::string firstZipMember() const;
  // True when opening the file runs a third-party C library over its structure: libhdf5 (HDF5
  // files; .keras archives hold one) or libzip (any zip: .keras, PyTorch). Every other format
  // is read by Graft's own parsers alone (TensorBundle tables, safetensors headers, pickles).
  bool parsedByThirdPartyLibrary() const;

  // A handle a format opened while sniffing (an HDF5 file, say), kept so that opening the
  // checkpoint right after does not open the file a second time.
  template <typename T>
  std::shared_ptr<T> cached() const { return std::static_pointer_cast<T>(cache_); }
  void setCached(std::shared_ptr<void> handle) const { cache_ = std::move(handle); }

 private:
  std::filesystem::path path_;
  std::uint64_t size_ = 0;
  std::vector<std::byte> head_;
  std::vector<std::byte> tail_;
  mutable std::shared_ptr<void> cache_;
};

}  // namespace graft
