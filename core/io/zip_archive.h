#pragma once
// Read-only access to a PKZIP archive (PyTorch checkpoints, .keras files). libzip opens and
// checks the archive and inflates compressed members; for stored members the file offset of
// their bytes is found too (central directory, then the member's own local header, §1.4), so
// tensors are read in place with pread and copied kernel-side, from any thread, with no
// extraction.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace graft {

struct ZipMember {
  std::string name;  // as stored ('/' or, from some Windows writers, '\\' separators)
  std::uint64_t size = 0;  // uncompressed
  std::uint64_t compressedSize = 0;
  bool stored = false;          // no compression: the bytes lie verbatim in the file
  std::uint64_t dataOffset = 0;  // when stored: file offset of the member's first byte
  std::uint32_t crc32 = 0;       // zlib CRC-32 of the uncompressed bytes, as recorded
};

class ZipArchive {
 public:
  // Throws graft::Error naming the file: not a zip, truncated, inconsistent directory,
  // encrypted members, member data outside the file.
  explicit ZipArchive(const std::filesystem::path& path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::vector<ZipMember>& members() const { return members_; }
  const ZipMember* find(std::string_view name) const;  // exact name; nullptr if absent

  // The whole member, uncompressed and CRC-checked. Refused (graft::Error) when its size
  // exceeds maxBytes, so a zip bomb cannot make it allocate without bound.
  std::string read(const ZipMember& member, std::uint64_t maxBytes) const;
  // Streams the member into a new file `out` in bounded chunks, CRC-checked; refused above
  // maxBytes. Deflated members that must be read in place go through a temporary file.
  void extract(const ZipMember& member, const std::filesystem::path& out, std::uint64_t maxBytes) const;

 private:
  struct Handle;
  std::filesystem::path path_;
  std::unique_ptr<Handle> handle_;  // libzip's archive; guarded, libzip is not thread-safe
  std::vector<ZipMember> members_;
};

// A member name safe to use as a path below a folder: relative, no "..", no drive or root;
// false for names a hostile archive uses to escape ("../x", "/etc/x", "C:\\x").
bool isSafeMemberName(std::string_view name);

}  // namespace graft
