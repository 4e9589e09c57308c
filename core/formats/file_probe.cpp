#include "formats/file_probe.h"

#include "io/read_only_file.h"

namespace graft {
namespace {
constexpr std::size_t kHeadBytes = 64 * 1024;  // covers HDF5 user blocks up to 32 KiB
constexpr std::size_t kTailBytes = 64;
}  // namespace

FileProbe::FileProbe(std::filesystem::path path) : path_(std::move(path)) {
  ReadOnlyFile file(path_);
  size_ = file.size();
  head_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size_, kHeadBytes)));
  head_.resize(file.readAt(0, head_));
  const std::uint64_t tailLen = std::min<std::uint64_t>(size_, kTailBytes);
  tail_.resize(static_cast<std::size_t>(tailLen));
  tail_.resize(file.readAt(size_ - tailLen, tail_));
}

bool FileProbe::hasBytesAt(std::size_t offset, std::initializer_list<std::uint8_t> magic) const {
  if (offset + magic.size() > head_.size()) return false;
  std::size_t i = offset;
  for (std::uint8_t b : magic)
    if (head_[i++] != std::byte{b}) return false;
  return true;
}

bool FileProbe::looksLikeHdf5() const {
  for (std::size_t offset = 0; offset < head_.size(); offset = offset ? offset * 2 : 512)
    if (hasBytesAt(offset, {0x89, 'H', 'D', 'F', 0x0D, 0x0A, 0x1A, 0x0A})) return true;
  return false;
}

bool FileProbe::looksLikeZip() const { return hasBytesAt(0, {'P', 'K', 3, 4}); }

std::string FileProbe::firstZipMember() const {
  if (!looksLikeZip() || head_.size() < 30) return {};
  const std::size_t length = std::to_integer<std::size_t>(head_[26]) | (std::to_integer<std::size_t>(head_[27]) << 8);
  if (head_.size() < 30 + length) return {};
  return std::string(reinterpret_cast<const char*>(head_.data() + 30), length);
}

bool FileProbe::parsedByThirdPartyLibrary() const { return looksLikeHdf5() || looksLikeZip(); }

}  // namespace graft
