#include "formats/pytorch/stored_zip.h"

#include <zlib.h>

#include <algorithm>

#include "io/error.h"
#include "io/write_at.h"

namespace graft::pytorch {
namespace {

constexpr std::uint64_t kMax32 = 0xFFFFFFFF;
constexpr std::uint16_t kDosDate = 0x21;  // 1980-01-01: a fixed date keeps the output reproducible

bool entryNeedsZip64(const StoredZipEntry& e, bool force) { return force || e.size >= kMax32; }

std::size_t localZip64Bytes(const StoredZipEntry& e, bool force) { return entryNeedsZip64(e, force) ? 4 + 16 : 0; }

class Bytes {
 public:
  void u16(std::uint64_t v) { put(v, 2); }
  void u32(std::uint64_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void text(const std::string& s) { out_ += s; }
  void fill(std::size_t n, char c) { out_.append(n, c); }
  const std::string& str() const { return out_; }

 private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  std::string out_;
};

// The fields a local header and a central directory entry share, from "version needed" to the
// name's length. zip64: the entry has a ZIP64 extra field; bigSize: its sizes are in it.
void sharedFields(Bytes& b, const StoredZipEntry& e, bool zip64, bool bigSize) {
  b.u16(zip64 ? 45 : 20);  // version needed
  b.u16(0);                // flags: sizes and CRC are in the header
  b.u16(0);                // stored
  b.u16(0);                // time
  b.u16(kDosDate);
  b.u32(e.crc32);
  b.u32(bigSize ? kMax32 : e.size);
  b.u32(bigSize ? kMax32 : e.size);
  b.u16(e.name.size());
}

// The local header of `e` with its FB padding; its length is e.dataOffset - e.headerOffset.
std::string localHeader(const StoredZipEntry& e, bool force) {
  const bool z64 = entryNeedsZip64(e, force);
  const std::size_t fixed = 30 + e.name.size() + localZip64Bytes(e, force);
  const std::size_t pad = static_cast<std::size_t>(e.dataOffset - e.headerOffset) - fixed - 4;
  Bytes b;
  b.u32(0x04034b50);
  sharedFields(b, e, z64, z64);
  b.u16(localZip64Bytes(e, force) + 4 + pad);
  b.text(e.name);
  if (z64) {
    b.u16(0x0001);
    b.u16(16);
    b.u64(e.size);
    b.u64(e.size);
  }
  b.u16(0x4246);  // "FB": PyTorch's alignment padding
  b.u16(pad);
  b.fill(pad, 'Z');
  return b.str();
}

void directoryEntry(Bytes& b, const StoredZipEntry& e, bool force) {
  const bool bigSize = force || e.size >= kMax32;
  const bool bigOffset = force || e.headerOffset >= kMax32;
  const std::size_t extra = (bigSize ? 16u : 0u) + (bigOffset ? 8u : 0u);
  const bool z64 = extra > 0;
  b.u32(0x02014b50);
  b.u16(z64 ? 45 : 20);  // version made by (MS-DOS attributes)
  sharedFields(b, e, z64, bigSize);
  b.u16(z64 ? 4 + extra : 0);
  b.u16(0);  // comment
  b.u16(0);  // disk
  b.u16(0);  // internal attributes
  b.u32(0);  // external attributes
  b.u32(bigOffset ? kMax32 : e.headerOffset);
  b.text(e.name);
  if (z64) {
    b.u16(0x0001);
    b.u16(extra);
    if (bigSize) {
      b.u64(e.size);
      b.u64(e.size);
    }
    if (bigOffset) b.u64(e.headerOffset);
  }
}

}  // namespace

std::uint32_t crc32Update(std::uint32_t crc, const void* bytes, std::uint64_t size) {
  auto p = static_cast<const Bytef*>(bytes);
  while (size > 0) {
    const auto n = static_cast<uInt>(std::min<std::uint64_t>(size, 1u << 30));
    crc = static_cast<std::uint32_t>(::crc32(crc, p, n));
    p += n;
    size -= n;
  }
  return crc;
}

std::uint64_t layOutStoredZip(std::vector<StoredZipEntry>& entries, bool forceZip64) {
  std::uint64_t at = 0;
  for (auto& e : entries) {
    if (e.name.size() > 0xFFFF) throw Error("zip member name too long: " + e.name.substr(0, 64) + "...");
    e.headerOffset = at;
    const std::uint64_t fixed = at + 30 + e.name.size() + localZip64Bytes(e, forceZip64) + 4;  // + FB field header
    e.dataOffset = (fixed + kZipAlignment - 1) / kZipAlignment * kZipAlignment;
    at = e.dataOffset + e.size;
  }
  return at;
}

void writeStoredZipDirectory(const std::filesystem::path& file, int fd, const std::vector<StoredZipEntry>& entries,
                             std::uint64_t directoryOffset, bool forceZip64) {
  for (const auto& e : entries) writeAt(file, fd, localHeader(e, forceZip64), e.headerOffset);
  Bytes dir;
  for (const auto& e : entries) directoryEntry(dir, e, forceZip64);
  const std::uint64_t count = entries.size(), size = dir.str().size();
  const bool z64 = forceZip64 || count >= 0xFFFF || size >= kMax32 || directoryOffset >= kMax32;
  if (z64) {
    const std::uint64_t recordAt = directoryOffset + size;
    dir.u32(0x06064b50);  // ZIP64 end of central directory
    dir.u64(44);
    dir.u16(45);
    dir.u16(45);
    dir.u32(0);
    dir.u32(0);
    dir.u64(count);
    dir.u64(count);
    dir.u64(size);
    dir.u64(directoryOffset);
    dir.u32(0x07064b50);  // its locator
    dir.u32(0);
    dir.u64(recordAt);
    dir.u32(1);
  }
  dir.u32(0x06054b50);
  dir.u16(0);
  dir.u16(0);
  dir.u16(z64 ? 0xFFFF : count);
  dir.u16(z64 ? 0xFFFF : count);
  dir.u32(z64 ? kMax32 : size);
  dir.u32(z64 ? kMax32 : directoryOffset);
  dir.u16(0);
  writeAt(file, fd, dir.str(), directoryOffset);
}

}  // namespace graft::pytorch
