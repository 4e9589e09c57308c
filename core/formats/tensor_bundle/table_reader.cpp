#include "formats/tensor_bundle/table_reader.h"

#include <snappy.h>

#include <cstring>
#include <span>
#include <string_view>

#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/wire.h"
#include "io/error.h"
#include "io/read_only_file.h"

namespace graft::tfbundle {

namespace {

constexpr std::size_t kFooterSize = 48;
constexpr std::size_t kTrailerSize = 5;  // compression type byte + masked crc32c
constexpr unsigned char kMagic[8] = {0x57, 0xFB, 0x80, 0x8B, 0x24, 0x75, 0x47, 0xDB};
// Snappy cannot expand more than ~22x (a 3-byte copy yields at most 64 bytes); anything
// claiming more is corrupt, and the cap keeps a hostile header from allocating gigabytes.
constexpr std::uint64_t kMaxSnappyRatio = 64;
constexpr std::uint64_t kMaxBlockBytes = std::uint64_t{1} << 30;

struct BlockHandle {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

std::span<const std::byte> asBytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::uint32_t loadLe32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
  return v;
}

// Parses one table file; every failure is reported through fail(), which names the file.
class TableParser {
 public:
  TableParser(const std::string& bytes, const std::filesystem::path& path) : file_(bytes), path_(path) {}

  std::vector<TableEntry> run(TableFacts* facts) {
    const auto [metaindex, index] = readFooter();
    (void)metaindex;  // TF never reads the metaindex block; neither do we
    std::vector<BlockHandle> dataBlocks;
    const std::string indexBlock = readBlock(index, "index block");
    std::string previousIndexKey;
    bool first = true;
    parseBlock(indexBlock, "index block", [&](std::string_view key, std::string_view value) {
      if (!first && key <= std::string_view(previousIndexKey))
        fail("malformed index block (keys not increasing)");
      first = false;
      previousIndexKey.assign(key);
      dataBlocks.push_back(decodeHandle(value, "data block handle in the index block"));
    });

    std::vector<TableEntry> entries;
    for (std::size_t i = 0; i < dataBlocks.size(); ++i) {
      const std::string what = "data block #" + std::to_string(i);
      const std::string block = readBlock(dataBlocks[i], what);
      parseBlock(block, what, [&](std::string_view key, std::string_view value) {
        if (!entries.empty() && key <= std::string_view(entries.back().key))
          fail("keys not in increasing order at \"" + printable(key) + "\" (" + what + ")");
        entries.push_back({std::string(key), std::string(value)});
      });
    }
    if (facts) {
      facts->dataBlocks = dataBlocks.size();
      facts->anySnappy = anySnappy_;
    }
    return entries;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw fileError(path_, what); }

  static std::string printable(std::string_view key) {
    std::string out;
    for (const char c : key.substr(0, 80)) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7F) {
        out.push_back(c);
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\x";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xF]);
      }
    }
    if (key.size() > 80) out += "...";
    return out;
  }

  std::pair<BlockHandle, BlockHandle> readFooter() const {
    if (file_.size() < kFooterSize)
      fail("truncated index file or not a TensorFlow checkpoint index (" + std::to_string(file_.size()) +
           " bytes; a table needs at least " + std::to_string(kFooterSize) + ")");
    const std::string_view footer = std::string_view(file_).substr(file_.size() - kFooterSize);
    if (std::memcmp(footer.data() + 40, kMagic, sizeof kMagic) != 0)
      fail("not a TensorFlow checkpoint index (wrong magic)");
    WireReader r(footer.substr(0, 40));
    try {
      BlockHandle meta{r.varint64(), 0};
      meta.size = r.varint64();
      BlockHandle index{r.varint64(), 0};
      index.size = r.varint64();
      return {meta, index};
    } catch (const WireError& e) {
      fail(std::string("malformed table footer (") + e.what() + ")");
    }
  }

  BlockHandle decodeHandle(std::string_view value, const std::string& what) const {
    WireReader r(value);
    try {
      BlockHandle h{r.varint64(), 0};
      h.size = r.varint64();
      return h;
    } catch (const WireError& e) {
      fail("malformed " + what + " (" + e.what() + ")");
    }
  }

  // The block's stored bytes, checksum verified, decompressed when snappy.
  std::string readBlock(const BlockHandle& h, const std::string& what) {
    const std::uint64_t limit = file_.size() - kFooterSize;  // blocks live before the footer
    if (h.offset > limit || h.size > limit - h.offset || kTrailerSize > limit - h.offset - h.size)
      fail("truncated index file (" + what + " at offset " + std::to_string(h.offset) + ", " +
           std::to_string(h.size) + " bytes, lies beyond the " + std::to_string(limit) + " bytes before the footer)");
    const std::string_view stored = std::string_view(file_).substr(h.offset, h.size);
    const std::string_view trailer = std::string_view(file_).substr(h.offset + h.size, kTrailerSize);
    const auto type = static_cast<unsigned char>(trailer[0]);
    const std::uint32_t actual = crc32cExtend(crc32c(asBytes(stored)), asBytes(trailer.substr(0, 1)));
    if (unmaskCrc(loadLe32(trailer, 1)) != actual) fail("block checksum mismatch in " + what + " (file corrupted?)");
    if (type == 0) return std::string(stored);
    if (type == 1) {
      anySnappy_ = true;
      return uncompress(stored, what);
    }
    fail("unknown compression type " + std::to_string(type) + " in " + what);
  }

  std::string uncompress(std::string_view stored, const std::string& what) const {
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(stored.data(), stored.size(), &length))
      fail("bad snappy data in " + what);
    if (length > kMaxBlockBytes || length > kMaxSnappyRatio * stored.size())
      fail("bad snappy data in " + what + " (claims " + std::to_string(length) + " bytes from " +
           std::to_string(stored.size()) + ")");
    std::string out(length, '\0');
    if (!snappy::RawUncompress(stored.data(), stored.size(), out.data())) fail("bad snappy data in " + what);
    return out;
  }

  // Calls onEntry(key, value) for each entry in stored order.
  template <typename OnEntry>
  void parseBlock(std::string_view block, const std::string& what, OnEntry&& onEntry) const {
    if (block.size() < 4) fail("malformed " + what + " (" + std::to_string(block.size()) + " bytes)");
    const std::uint32_t numRestarts = loadLe32(block, block.size() - 4);
    const std::size_t maxRestarts = (block.size() - 4) / 4;
    if (numRestarts > maxRestarts)
      fail("malformed " + what + " (" + std::to_string(numRestarts) + " restart points do not fit in " +
           std::to_string(block.size()) + " bytes)");
    const std::size_t dataEnd = block.size() - 4 - 4 * std::size_t{numRestarts};
    if (numRestarts == 0 && dataEnd > 0) fail("malformed " + what + " (entries but no restart points)");
    WireReader r(block.substr(0, dataEnd));
    std::string key;
    try {
      while (!r.atEnd()) {
        const std::uint32_t shared = r.varint32();
        const std::uint32_t unshared = r.varint32();
        const std::uint32_t valueLen = r.varint32();
        if (shared > key.size())
          fail("malformed " + what + " (entry shares " + std::to_string(shared) + " bytes with a " +
               std::to_string(key.size()) + "-byte previous key)");
        if (std::uint64_t{unshared} + valueLen > r.remaining())
          fail("malformed " + what + " (entry runs past the end of the block)");
        key.resize(shared);
        key.append(r.view(unshared));
        onEntry(std::string_view(key), r.view(valueLen));
      }
    } catch (const WireError& e) {
      fail("malformed " + what + " (" + e.what() + ")");
    }
  }

  const std::string& file_;
  const std::filesystem::path& path_;
  bool anySnappy_ = false;
};

}  // namespace

std::vector<TableEntry> readTable(const std::filesystem::path& path, TableFacts* facts,
                                  std::uint64_t maxIndexBytes) {
  const ReadOnlyFile file(path);
  if (file.size() > maxIndexBytes)
    throw fileError(path, "index file too large (" + std::to_string(file.size()) + " bytes; limit " +
                              std::to_string(maxIndexBytes) + ")");
  std::string bytes(static_cast<std::size_t>(file.size()), '\0');
  file.readExactAt(0, std::as_writable_bytes(std::span(bytes)));
  return parseTable(bytes, path, facts);
}

std::vector<TableEntry> parseTable(const std::string& bytes, const std::filesystem::path& path, TableFacts* facts) {
  return TableParser(bytes, path).run(facts);
}

}  // namespace graft::tfbundle
