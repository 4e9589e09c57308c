#include "io/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "io/error.h"
#include "io/read_only_file.h"

namespace graft {

namespace {

constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50;
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint64_t kMaxDirectoryBytes = std::uint64_t{1} << 30;  // a million members' names fit well below

std::uint64_t le(const std::byte* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint64_t>(p[i]);
  return v;
}

// Where the central directory lies and how many entries it holds (EOCD, or ZIP64's when the
// classic fields are saturated).
struct DirectoryPlace {
  std::uint64_t offset = 0, size = 0, entries = 0;
};

DirectoryPlace findDirectory(const ReadOnlyFile& file) {
  const std::uint64_t size = file.size();
  if (size < 22) throw fileError(file.path(), "not a zip archive (too small)");
  // The end record is the last 22 bytes plus a comment of at most 65,535 bytes.
  const std::uint64_t tail = std::min<std::uint64_t>(size, 22 + 65535);
  std::vector<std::byte> buf(static_cast<std::size_t>(tail));
  file.readExactAt(size - tail, buf);
  std::size_t at = buf.size() - 22 + 1;
  while (at-- > 0)
    if (le(&buf[at], 4) == kEndOfDirectory) break;
  if (at == static_cast<std::size_t>(-1)) throw fileError(file.path(), "not a zip archive (no end-of-directory record)");
  const std::byte* e = &buf[at];
  DirectoryPlace d{le(e + 16, 4), le(e + 12, 4), le(e + 10, 2)};
  const std::uint64_t endAt = size - tail + at;
  if ((d.offset == 0xFFFFFFFF || d.size == 0xFFFFFFFF || d.entries == 0xFFFF) && endAt >= 20) {
    std::array<std::byte, 20> locator{};
    file.readExactAt(endAt - 20, locator);
    if (le(locator.data(), 4) == kZip64Locator) {
      std::array<std::byte, 56> z{};
      const std::uint64_t zAt = le(locator.data() + 8, 8);
      if (zAt > size - z.size()) throw fileError(file.path(), "corrupt zip archive (ZIP64 end record outside the file)");
      file.readExactAt(zAt, z);
      if (le(z.data(), 4) != kZip64EndOfDirectory) throw fileError(file.path(), "corrupt zip archive (bad ZIP64 end record)");
      d = {le(z.data() + 48, 8), le(z.data() + 40, 8), le(z.data() + 32, 8)};
    }
  }
  if (d.offset > size || d.size > size - d.offset || d.size > kMaxDirectoryBytes)
    throw fileError(file.path(), "corrupt zip archive (central directory outside the file)");
  return d;
}

struct DirectoryEntry {
  std::string name;
  std::uint64_t localHeader = 0, size = 0, compressedSize = 0;
  std::uint16_t method = 0;
};

// The central directory, read by hand only for what libzip does not tell: where each member's
// local header lies.
std::vector<DirectoryEntry> readDirectory(const ReadOnlyFile& file) {
  const DirectoryPlace place = findDirectory(file);
  std::vector<std::byte> dir(static_cast<std::size_t>(place.size));
  file.readExactAt(place.offset, dir);
  std::vector<DirectoryEntry> out;
  std::size_t at = 0;
  while (at + 46 <= dir.size() && le(&dir[at], 4) == kDirectoryEntry) {
    const std::byte* h = &dir[at];
    const std::size_t nameLength = le(h + 28, 2), extraLength = le(h + 30, 2), commentLength = le(h + 32, 2);
    if (at + 46 + nameLength + extraLength + commentLength > dir.size())
      throw fileError(file.path(), "corrupt zip archive (truncated central directory)");
    DirectoryEntry e;
    e.method = static_cast<std::uint16_t>(le(h + 10, 2));
    e.compressedSize = le(h + 20, 4);
    e.size = le(h + 24, 4);
    e.localHeader = le(h + 42, 4);
    e.name.assign(reinterpret_cast<const char*>(h + 46), nameLength);
    // ZIP64 extra field: the saturated fields follow in this order.
    for (std::size_t x = 46 + nameLength, end = x + extraLength; x + 4 <= end;) {
      const std::uint64_t tag = le(h + x, 2), length = le(h + x + 2, 2);
      if (x + 4 + length > end) break;
      if (tag == 1) {
        std::size_t f = x + 4;
        auto next = [&](std::uint64_t& field) {
          if (f + 8 <= x + 4 + length) {
            field = le(h + f, 8);
            f += 8;
          }
        };
        if (e.size == 0xFFFFFFFF) next(e.size);
        if (e.compressedSize == 0xFFFFFFFF) next(e.compressedSize);
        if (e.localHeader == 0xFFFFFFFF) next(e.localHeader);
      }
      x += 4 + static_cast<std::size_t>(length);
    }
    out.push_back(std::move(e));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

std::string libzipError(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

}  // namespace

struct ZipArchive::Handle {
  zip_t* zip = nullptr;
  std::mutex mutex;  // libzip's archive handle is not thread-safe
  ~Handle() {
    if (zip) zip_discard(zip);
  }
};

ZipArchive::ZipArchive(const std::filesystem::path& path) : path_(path), handle_(std::make_unique<Handle>()) {
  const ReadOnlyFile file(path);
  int code = 0;
  handle_->zip = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!handle_->zip) throw fileError(path, "not a readable zip archive (" + libzipError(code) + ")");
  const zip_int64_t count = zip_get_num_entries(handle_->zip, 0);
  const std::vector<DirectoryEntry> directory = readDirectory(file);
  if (count < 0 || static_cast<std::uint64_t>(count) != directory.size())
    throw fileError(path, "corrupt zip archive (its directory lists " + std::to_string(directory.size()) + " members, libzip " +
                              std::to_string(count) + ")");
  members_.reserve(directory.size());
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(handle_->zip, i, ZIP_FL_ENC_RAW, &st) != 0) throw fileError(path, "unreadable zip member #" + std::to_string(i));
    const DirectoryEntry& d = directory[i];
    if (d.name != st.name || d.size != st.size || d.compressedSize != st.comp_size)
      throw fileError(path, "corrupt zip archive (member '" + d.name + "' differs between directory readings)");
    if (st.encryption_method != ZIP_EM_NONE) throw fileError(path, "zip member '" + d.name + "' is encrypted");
    ZipMember m;
    m.name = d.name;
    m.size = st.size;
    m.compressedSize = st.comp_size;
    m.crc32 = st.crc;
    m.stored = st.comp_method == ZIP_CM_STORE;
    if (m.stored) {
      std::array<std::byte, 30> local{};
      if (d.localHeader > file.size() - local.size()) throw fileError(path, "zip member '" + m.name + "' lies outside the file");
      file.readExactAt(d.localHeader, local);
      if (le(local.data(), 4) != kLocalHeader) throw fileError(path, "corrupt zip archive (bad local header of '" + m.name + "')");
      m.dataOffset = d.localHeader + 30 + le(local.data() + 26, 2) + le(local.data() + 28, 2);
      if (m.dataOffset > file.size() || m.size > file.size() - m.dataOffset)
        throw fileError(path, "zip member '" + m.name + "' lies outside the file (truncated archive?)");
    }
    members_.push_back(std::move(m));
  }
}

ZipArchive::~ZipArchive() = default;

const ZipMember* ZipArchive::find(std::string_view name) const {
  for (const auto& m : members_)
    if (m.name == name) return &m;
  return nullptr;
}

namespace {

// Reads a member through libzip in chunks, handing each to sink; libzip checks the CRC at the end.
template <typename Sink>
void readMember(zip_t* zip, const std::filesystem::path& path, const std::vector<ZipMember>& members, const ZipMember& member,
                std::uint64_t maxBytes, Sink&& sink) {
  if (member.size > maxBytes)
    throw fileError(path, "zip member '" + member.name + "' is " + std::to_string(member.size) + " bytes, more than the " +
                              std::to_string(maxBytes) + " Graft accepts for it");
  const auto index = static_cast<zip_uint64_t>(&member - members.data());
  zip_file_t* f = zip_fopen_index(zip, index, 0);
  if (!f) throw fileError(path, "cannot read zip member '" + member.name + "': " + zip_strerror(zip));
  // One byte more than the member needs shows an overlong one; 1 MiB at most streams big ones.
  std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(member.size + 1, 1 << 20)));
  std::uint64_t total = 0;
  for (;;) {
    const zip_int64_t n = zip_fread(f, buf.data(), buf.size());
    if (n < 0) {
      const std::string why = zip_file_strerror(f);
      zip_fclose(f);
      throw fileError(path, "cannot read zip member '" + member.name + "': " + why);
    }
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > member.size) {  // a member inflating past its declared size: a bomb or corruption
      zip_fclose(f);
      throw fileError(path, "zip member '" + member.name + "' inflates past its declared size");
    }
    sink(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  zip_fclose(f);
  if (total != member.size) throw fileError(path, "zip member '" + member.name + "' is shorter than its declared size");
}

}  // namespace

std::string ZipArchive::read(const ZipMember& member, std::uint64_t maxBytes) const {
  std::lock_guard lock(handle_->mutex);
  std::string out;
  if (member.size <= maxBytes) out.reserve(static_cast<std::size_t>(member.size));
  readMember(handle_->zip, path_, members_, member, maxBytes, [&](std::string_view chunk) { out.append(chunk); });
  return out;
}

void ZipArchive::extract(const ZipMember& member, const std::filesystem::path& out, std::uint64_t maxBytes) const {
  std::lock_guard lock(handle_->mutex);
  std::FILE* f = std::fopen(out.c_str(), "wbx");  // never over an existing file
  if (!f) throw fileError(out, std::string("cannot create: ") + std::strerror(errno));
  try {
    readMember(handle_->zip, path_, members_, member, maxBytes, [&](std::string_view chunk) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), f) != chunk.size()) throw fileError(out, "write failed (disk full?)");
    });
  } catch (...) {
    std::fclose(f);
    std::filesystem::remove(out);
    throw;
  }
  if (std::fclose(f) != 0) {
    std::filesystem::remove(out);
    throw fileError(out, "write failed (disk full?)");
  }
}

bool isSafeMemberName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.front() == '\\') return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // "C:..."
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace graft
