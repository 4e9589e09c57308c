// The low-level TensorBundle layer: CRC32C, wire format, the .index table (read and
// TF-identical write), the bundle protos, DT_STRING regions — checked against the worked
// example of checkpoint-formats.md §2.2 and every real .index file of the test set.

#include <gtest/gtest.h>
#include <snappy.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "formats/tensor_bundle/bundle_proto.h"
#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/string_tensor.h"
#include "formats/tensor_bundle/table_reader.h"
#include "formats/tensor_bundle/table_writer.h"
#include "formats/tensor_bundle/wire.h"
#include "io/error.h"
#include "test_support.h"

using namespace graft;
using namespace graft::tfbundle;
namespace fs = std::filesystem;

namespace {

std::span<const std::byte> bytesOf(std::string_view s) { return {reinterpret_cast<const std::byte*>(s.data()), s.size()}; }

std::string fromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  unsigned value = 0;
  for (const char c : hex) {
    unsigned v = 0;
    if (c >= '0' && c <= '9') v = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') v = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v = static_cast<unsigned>(c - 'A' + 10);
    else continue;  // spaces and separators
    value = value * 16 + v;
    if (++nibbles == 2) {
      out.push_back(static_cast<char>(value));
      nibbles = 0;
      value = 0;
    }
  }
  return out;
}

std::string toHex(std::string_view s) {
  std::string out;
  char buf[4];
  for (const char c : s) {
    std::snprintf(buf, sizeof buf, "%02x ", static_cast<unsigned char>(c));
    out += buf;
  }
  return out;
}

std::uint32_t crcOf(std::string_view s) { return crc32c(bytesOf(s)); }

// checkpoint-formats.md §2.2, the complete 187-byte file.
const std::string kExampleFile = fromHex(
    "00 00 06 08 01 1a 02 08 01"
    "00 0a 0f 64 65 6e 73 65 2f 62 69 61 73 08 01 12 04 12 02 08 02 28 08 35 c5 af 21 52"
    "06 06 15 6b 65 72 6e 65 6c 08 01 12 08 12 02 08 03 12 02 08 02 20 08 28 18 35 c0 db 3d 17"
    "00 0b 0d 67 6c 6f 62 61 6c 5f 73 74 65 70 08 09 12 00 20 20 28 08 35 bb d7 9f 11"
    "00 00 00 00 01 00 00 00"
    "00 d5 5b af a7"
    "00 00 00 00 01 00 00 00 00 c0 f2 a1 b0"
    "00 01 02 68 00 66 00 00 00 00 01 00 00 00 00 f6 15 1b a7"
    "6b 08 78 0e"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    "57 fb 80 8b 24 75 47 db");

const std::vector<TableEntry> kExampleEntries = {
    {"", fromHex("08 01 1a 02 08 01")},
    {"dense/bias", fromHex("08 01 12 04 12 02 08 02 28 08 35 c5 af 21 52")},
    {"dense/kernel", fromHex("08 01 12 08 12 02 08 03 12 02 08 02 20 08 28 18 35 c0 db 3d 17")},
    {"global_step", fromHex("08 09 12 00 20 20 28 08 35 bb d7 9f 11")},
};

template <typename T>
std::string rawBytes(const std::vector<T>& values) {
  return {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)};
}

// The message of the graft::Error that parsing `bytes` throws; fails the test if none.
std::string parseError(const std::string& bytes) {
  try {
    parseTable(bytes, "t.index");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed without error";
  return {};
}

std::string le32(std::uint32_t v) {
  WireWriter w;
  w.fixed32(v);
  return w.take();
}

// Block bytes ‖ trailer with a correct masked CRC for `type`.
std::string withTrailer(const std::string& block, char type) {
  const std::uint32_t crc = crc32cExtend(crcOf(block), bytesOf(std::string_view(&type, 1)));
  return block + type + le32(maskCrc(crc));
}

// A table whose single data block is stored exactly as given (any compression type), with a
// correct trailer, an empty metaindex, an index pointing at it and a proper footer.
std::string tableWithDataBlock(const std::string& stored, char type) {
  std::string file = withTrailer(stored, type);
  WireWriter handle;
  handle.varint(0);
  handle.varint(stored.size());
  const std::uint64_t metaOffset = file.size();
  file += withTrailer(fromHex("00 00 00 00 01 00 00 00"), 0);
  const std::uint64_t indexOffset = file.size();
  WireWriter index;
  index.varint(0);
  index.varint(1);
  index.varint(handle.data().size());
  index.raw("\xff");
  index.raw(handle.data());
  index.fixed32(0);
  index.fixed32(1);
  file += withTrailer(index.data(), 0);
  WireWriter footer;
  footer.varint(metaOffset);
  footer.varint(8);
  footer.varint(indexOffset);
  footer.varint(index.data().size());
  std::string f = footer.take();
  f.resize(40, '\0');
  return file + f + fromHex("57 fb 80 8b 24 75 47 db");
}

// A raw block: the given encoded entries, then one restart at 0.
std::string blockOf(std::initializer_list<std::string> encodedEntries) {
  std::string b;
  for (const auto& e : encodedEntries) b += e;
  return b + le32(0) + le32(1);
}

std::string entryBytes(std::uint32_t shared, std::string_view suffix, std::string_view value) {
  WireWriter w;
  w.varint(shared);
  w.varint(suffix.size());
  w.varint(value.size());
  w.raw(suffix);
  w.raw(value);
  return w.take();
}

void expectContains(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nexpected to contain: " << part;
  EXPECT_EQ(message.rfind("t.index: ", 0), 0u) << message;
}

}  // namespace

// ---- CRC32C ------------------------------------------------------------------------------

TEST(Crc32c, CheckValue) {
  EXPECT_EQ(crcOf("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32cExtendSoftware(0, bytesOf("123456789")), 0xE3069283u);
  EXPECT_EQ(crcOf(""), 0u);
  // Extending continues the running CRC.
  EXPECT_EQ(crc32cExtend(crcOf("12345"), bytesOf("6789")), 0xE3069283u);
}

TEST(Crc32c, HardwareAndSoftwareAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string buf(4096 + 16, '\0');
  for (auto& c : buf) c = static_cast<char>(rng());
  for (std::size_t start = 0; start < 9; ++start)
    for (std::size_t len = 0; len < 300; ++len) {
      const auto s = bytesOf(std::string_view(buf).substr(start, len));
      ASSERT_EQ(crc32cExtend(0x12345678u, s), crc32cExtendSoftware(0x12345678u, s)) << start << " " << len;
    }
  EXPECT_EQ(crcOf(buf), crc32cExtendSoftware(0, bytesOf(buf)));
  // Lengths around and beyond the three-stream blocks (3 x 8 KiB) of the hardware path.
  std::string large(200000, '\0');
  for (auto& c : large) c = static_cast<char>(rng());
  for (std::size_t len : {24575u, 24576u, 24577u, 49152u, 49159u, 73728u, 100003u, 200000u})
    for (std::size_t start : {0u, 3u}) {
      const auto s = bytesOf(std::string_view(large).substr(start, std::min(len, large.size() - start)));
      ASSERT_EQ(crc32cExtend(0x9abcdef0u, s), crc32cExtendSoftware(0x9abcdef0u, s)) << start << " " << len;
    }
}

TEST(Crc32c, MaskAndUnmask) {
  EXPECT_EQ(maskCrc(0), 0xA282EAD8u);
  static_assert(unmaskCrc(maskCrc(0xE3069283u)) == 0xE3069283u);
  for (const std::uint32_t v : {0u, 1u, 0x80000000u, 0xFFFFFFFFu, 0xDEADBEEFu}) EXPECT_EQ(unmaskCrc(maskCrc(v)), v);
  // The worked example's empty-metaindex trailer: mask(crc32c(00 00 00 00 01 00 00 00 ‖ 00)).
  EXPECT_EQ(maskCrc(crcOf(fromHex("00 00 00 00 01 00 00 00 00"))), 0xB0A1F2C0u);
}

TEST(Crc32c, Throughput) {
  const std::string big(64u << 20, '\x5a');
  const auto t0 = std::chrono::steady_clock::now();
  volatile std::uint32_t sink = crcOf(big);
  const auto t1 = std::chrono::steady_clock::now();
  (void)sink;
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  const double gbps = static_cast<double>(big.size()) / seconds / 1e9;
  std::cout << "[ crc32c ] " << gbps << " GB/s over 64 MiB\n";
  EXPECT_GT(gbps, 0.3);  // loose: the machine is shared; hardware path reaches several GB/s
}

// ---- Wire format -------------------------------------------------------------------------

TEST(TensorBundleWire, VarintRoundTripsAndSizes) {
  const std::vector<std::pair<std::uint64_t, std::string>> cases = {
      {0, "00"}, {5, "05"}, {127, "7f"}, {128, "80 01"}, {300, "ac 02"},
      {0xFFFFFFFFull, "ff ff ff ff 0f"}, {~0ull, "ff ff ff ff ff ff ff ff ff 01"}};
  for (const auto& [value, hex] : cases) {
    WireWriter w;
    w.varint(value);
    EXPECT_EQ(w.data(), fromHex(hex)) << value;
    WireReader r(w.data());
    EXPECT_EQ(r.varint64(), value);
    EXPECT_TRUE(r.atEnd());
  }
  const std::string max32 = fromHex("ff ff ff ff 0f");  // readers view bytes: keep them alive
  WireReader r32(max32);
  EXPECT_EQ(r32.varint32(), 0xFFFFFFFFu);
  // Non-minimal but in-range encodings are accepted, as protobuf does.
  const std::string nonMinimal = fromHex("80 00");
  WireReader padded(nonMinimal);
  EXPECT_EQ(padded.varint64(), 0u);
}

TEST(TensorBundleWire, BadVarintsAreRejected) {
  const auto rejects64 = [](const std::string& hex) {
    const std::string b = fromHex(hex);
    WireReader r(b);
    EXPECT_THROW(r.varint64(), WireError) << hex;
  };
  rejects64("ff ff ff ff ff ff ff ff ff ff 01");  // 11 bytes
  rejects64("ff ff ff ff ff ff ff ff ff 02");     // 10th byte overflows 64 bits
  rejects64("80 80");                             // truncated
  rejects64("");
  const auto rejects32 = [](const std::string& hex) {
    const std::string b = fromHex(hex);
    WireReader r(b);
    EXPECT_THROW(r.varint32(), WireError) << hex;
  };
  rejects32("ff ff ff ff 10");  // > 32 bits
  rejects32("ff ff ff ff ff 01");
  rejects32("ff");
}

TEST(TensorBundleWire, FieldsAndSkipping) {
  WireWriter w;
  w.fieldVarint(1, 150);
  w.fieldFixed32(6, 0xDEADBEEF);
  w.fieldBytes(2, "abc");
  w.fixed64(0x0102030405060708ull);
  EXPECT_EQ(w.data(), fromHex("08 96 01 35 ef be ad de 12 03 61 62 63 08 07 06 05 04 03 02 01"));
  WireReader r(w.data());
  std::uint32_t f = 0, t = 0;
  ASSERT_TRUE(r.nextField(f, t));
  EXPECT_EQ(f, 1u);
  EXPECT_EQ(t, 0u);
  r.skip(t);
  ASSERT_TRUE(r.nextField(f, t));
  EXPECT_EQ(f, 6u);
  EXPECT_EQ(r.fixed32(), 0xDEADBEEFu);
  ASSERT_TRUE(r.nextField(f, t));
  EXPECT_EQ(r.lengthDelimited().size(), 3u);
  EXPECT_EQ(r.fixed64(), 0x0102030405060708ull);
  EXPECT_FALSE(r.nextField(f, t));

  const std::string group = fromHex("0b"), zero = fromHex("00 01"), longer = fromHex("12 05 61");
  WireReader g(group);
  ASSERT_TRUE(g.nextField(f, t));
  EXPECT_THROW(g.skip(t), WireError);
  WireReader z(zero);
  EXPECT_THROW(z.nextField(f, t), WireError);
  WireReader l(longer);
  ASSERT_TRUE(l.nextField(f, t));
  EXPECT_THROW(l.lengthDelimited(), WireError);
}

// ---- The table ---------------------------------------------------------------------------

TEST(TensorBundleTable, WorkedExampleIsBuiltByteForByte) {
  ASSERT_EQ(kExampleFile.size(), 187u);
  const std::string built = buildTable(kExampleEntries);
  EXPECT_EQ(toHex(built), toHex(kExampleFile));
}

TEST(TensorBundleTable, WorkedExampleParses) {
  TableFacts facts;
  const auto entries = parseTable(kExampleFile, "t.index", &facts);
  ASSERT_EQ(entries.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(entries[i].key, kExampleEntries[i].key);
    EXPECT_EQ(entries[i].value, kExampleEntries[i].value);
  }
  EXPECT_EQ(facts.dataBlocks, 1u);
  EXPECT_FALSE(facts.anySnappy);
}

TEST(TensorBundleTable, ReadTableFromFile) {
  test::TempDir dir;
  test::writeFile(dir / "x.index", kExampleFile);
  EXPECT_EQ(readTable(dir / "x.index").size(), 4u);
  try {
    readTable(dir / "x.index", nullptr, 100);
    ADD_FAILURE() << "size limit ignored";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos) << e.what();
  }
  EXPECT_THROW(readTable(dir / "missing.index"), Error);
}

TEST(TensorBundleTable, EmptyTableRoundTrips) {
  const std::string built = buildTable({});
  EXPECT_EQ(built.size(), 13u + 13u + 48u);  // empty metaindex, empty index, footer
  EXPECT_TRUE(parseTable(built, "t.index").empty());
}

TEST(TensorBundleTable, BigTableSpansSeveralBlocksAndRoundTrips) {
  std::vector<TableEntry> entries;
  entries.push_back({"", fromHex("08 01 1a 02 08 01")});
  std::mt19937 rng(1);
  char key[48];
  for (int i = 0; i < 40000; ++i) {
    std::snprintf(key, sizeof key, "layer_%03d/kernel/%05d", i / 1000, i);
    std::string value(100, '\0');
    for (auto& c : value) c = static_cast<char>(rng());
    entries.push_back({key, value});
  }
  const std::string built = buildTable(entries);
  TableFacts facts;
  const auto back = parseTable(built, "t.index", &facts);
  EXPECT_GE(facts.dataBlocks, 10u);  // ~4.7 MB of entries in 256 KiB blocks
  ASSERT_EQ(back.size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(back[i].key, entries[i].key) << i;
    ASSERT_EQ(back[i].value, entries[i].value) << i;
  }
  // Every block but the last closes just after crossing 256 KiB, so none is far beyond it.
  EXPECT_LT(built.size(), (facts.dataBlocks + 1) * 262144u);
}

TEST(TensorBundleTable, HugeEntryGetsABlockOfItsOwn) {
  // TF flushes the open block before an entry of key+value >= 2 x block_size.
  const std::vector<TableEntry> entries = {{"a", "1"}, {"b", std::string(2 * 262144, 'x')}, {"c", "3"}};
  TableFacts facts;
  const auto back = parseTable(buildTable(entries), "t.index", &facts);
  EXPECT_EQ(facts.dataBlocks, 3u);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].value.size(), 2u * 262144u);
  // Just below the threshold it joins the open block, which then closes.
  const std::vector<TableEntry> smaller = {{"a", "1"}, {"b", std::string(2 * 262144 - 2, 'x')}, {"c", "3"}};
  parseTable(buildTable(smaller), "t.index", &facts);
  EXPECT_EQ(facts.dataBlocks, 2u);
}

TEST(TensorBundleTable, IndexKeysAreShortenedLikeTensorFlow) {
  // Three blocks forced by huge values; the index keys are the separators between them.
  const std::string huge(2 * 262144, 'x');
  const std::vector<TableEntry> entries = {{"abc", huge}, {"abd", huge}, {"azz", huge}, {"\xff\xff", "1"}};
  const std::string built = buildTable(entries);
  // Separator("abc","abd") keeps "abc" (c+1 == d); ("abd","azz") -> "ac"; ("azz","\xff\xff") -> "b";
  // successor("\xff\xff") stays "\xff\xff".
  for (const char* key : {"abc", "ac", "b"}) EXPECT_NE(built.find(std::string(key)), std::string::npos) << key;
  EXPECT_EQ(parseTable(built, "t.index").size(), 4u);
}

TEST(TensorBundleTable, BuildRejectsUnsortedKeys) {
  EXPECT_THROW(buildTable({{"b", ""}, {"a", ""}}), std::invalid_argument);
  EXPECT_THROW(buildTable({{"a", ""}, {"a", ""}}), std::invalid_argument);
}

TEST(TensorBundleTable, CorruptBlockChecksum) {
  std::string bad = kExampleFile;
  bad[0x20] ^= 0x01;  // inside dense/bias's value
  expectContains(parseError(bad), "block checksum mismatch in data block #0 (file corrupted?)");
  bad = kExampleFile;
  bad[0x7A] ^= 0x01;  // the index block's key
  expectContains(parseError(bad), "block checksum mismatch in index block");
}

TEST(TensorBundleTable, WrongMagic) {
  std::string bad = kExampleFile;
  bad.back() = '\0';
  expectContains(parseError(bad), "not a TensorFlow checkpoint index (wrong magic)");
  expectContains(parseError(std::string(100, '\0')), "wrong magic");
}

TEST(TensorBundleTable, TruncatedFile) {
  expectContains(parseError(kExampleFile.substr(0, 40)), "truncated index file");
  expectContains(parseError(""), "truncated index file");
  // Losing the head of the file leaves handles pointing past the end.
  expectContains(parseError(kExampleFile.substr(60)), "truncated index file");
}

TEST(TensorBundleTable, SharedPrefixLongerThanPreviousKey) {
  const std::string block = blockOf({entryBytes(0, "a", "1"), entryBytes(3, "b", "2")});
  expectContains(parseError(tableWithDataBlock(block, 0)), "entry shares 3 bytes with a 1-byte previous key");
  // The first entry of a block has no previous key.
  expectContains(parseError(tableWithDataBlock(blockOf({entryBytes(1, "a", "1")}), 0)), "malformed data block #0");
}

TEST(TensorBundleTable, KeysNotIncreasing) {
  expectContains(parseError(tableWithDataBlock(blockOf({entryBytes(0, "b", "1"), entryBytes(0, "a", "2")}), 0)),
                 "keys not in increasing order at \"a\"");
  expectContains(parseError(tableWithDataBlock(blockOf({entryBytes(0, "a", "1"), entryBytes(1, "", "2")}), 0)),
                 "keys not in increasing order");
}

TEST(TensorBundleTable, MalformedBlocks) {
  // Restart count larger than the block can hold.
  expectContains(parseError(tableWithDataBlock(entryBytes(0, "a", "1") + le32(0) + le32(1000), 0)),
                 "restart points do not fit");
  // Entry whose value runs into the restart array.
  expectContains(parseError(tableWithDataBlock(blockOf({entryBytes(0, "a", "1").substr(0, 2) + "\x09" "a1"}), 0)),
                 "runs past the end of the block");
  expectContains(parseError(tableWithDataBlock("ab", 0)), "malformed data block #0");
  expectContains(parseError(tableWithDataBlock(blockOf({entryBytes(0, "a", "1")}), 7)), "unknown compression type 7");
}

TEST(TensorBundleTable, SnappyBlockParses) {
  const std::string raw = blockOf({entryBytes(0, "", "hdr"), entryBytes(0, "dense/bias", std::string(200, 'v')),
                                   entryBytes(6, "kernel", std::string(300, 'w'))});
  std::string compressed;
  snappy::Compress(raw.data(), raw.size(), &compressed);
  ASSERT_LT(compressed.size(), raw.size());
  TableFacts facts;
  const auto entries = parseTable(tableWithDataBlock(compressed, 1), "t.index", &facts);
  EXPECT_TRUE(facts.anySnappy);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].key, "dense/kernel");
  EXPECT_EQ(entries[2].value, std::string(300, 'w'));
}

TEST(TensorBundleTable, AbsurdSnappyLengthIsRefused) {
  WireWriter w;
  w.varint(std::uint64_t{1} << 31);  // claims 2 GiB from a handful of bytes
  w.raw("\x00\x00\x00\x00");
  expectContains(parseError(tableWithDataBlock(w.data(), 1)), "bad snappy data in data block #0 (claims 2147483648");
  expectContains(parseError(tableWithDataBlock("\xff\xff\xff\xff\xff\xff", 1)), "bad snappy data");
  WireWriter lying;  // plausible length, garbage body
  lying.varint(40);
  lying.raw("\x3c\x01\x02");
  expectContains(parseError(tableWithDataBlock(lying.data(), 1)), "bad snappy data");
}

TEST(TensorBundleTable, MutatedInputNeverCrashes) {
  // Flip every byte of the data block to several values with the CRC fixed up, so the
  // block parser itself sees the damage; then every footer byte without fixing anything.
  const std::size_t blockSize = 0x66;
  int parsed = 0, rejected = 0;
  for (std::size_t i = 0; i < blockSize; ++i)
    for (const unsigned char v : {0x00, 0x01, 0x7f, 0x80, 0xff, 0x10}) {
      std::string block = kExampleFile.substr(0, blockSize);
      block[i] = static_cast<char>(v);
      const std::string file = withTrailer(block, 0) + kExampleFile.substr(blockSize + 5);
      try {
        parseTable(file, "t.index");
        ++parsed;
      } catch (const Error&) {
        ++rejected;
      }
    }
  for (std::size_t i = kExampleFile.size() - 48; i < kExampleFile.size(); ++i)
    for (const unsigned char v : {0x00, 0x01, 0x80, 0xff}) {
      std::string file = kExampleFile;
      file[i] = static_cast<char>(v);
      try {
        parseTable(file, "t.index");
        ++parsed;
      } catch (const Error&) {
        ++rejected;
      }
    }
  for (std::size_t n = 0; n < kExampleFile.size(); ++n) {
    try {
      parseTable(kExampleFile.substr(0, n), "t.index");
      ++parsed;
    } catch (const Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(parsed, 0);
}

// ---- Protos ------------------------------------------------------------------------------

TEST(TensorBundleProto, WorkedExampleEntriesDecodeAndReencode) {
  const BundleHeader header = decodeHeader(kExampleEntries[0].value);
  EXPECT_EQ(header.numShards, 1);
  EXPECT_EQ(header.endianness, 0);
  ASSERT_TRUE(header.version.has_value());
  EXPECT_EQ(header.version->producer, 1);
  EXPECT_EQ(header.version->minConsumer, 0);
  EXPECT_EQ(encodeHeader(header), kExampleEntries[0].value);

  const BundleEntry bias = decodeEntry(kExampleEntries[1].value);
  EXPECT_EQ(bias.dtype, 1);
  EXPECT_EQ(bias.shape, std::vector<std::int64_t>{2});
  EXPECT_EQ(bias.offset, 0);
  EXPECT_EQ(bias.size, 8);
  EXPECT_EQ(bias.crc32c, maskCrc(crcOf(rawBytes(std::vector<float>{0.5f, -1.0f}))));

  const BundleEntry kernel = decodeEntry(kExampleEntries[2].value);
  EXPECT_EQ(kernel.dtype, 1);
  EXPECT_EQ(kernel.shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(kernel.offset, 8);
  EXPECT_EQ(kernel.size, 24);
  EXPECT_EQ(kernel.crc32c, 0x173DDBC0u);
  EXPECT_EQ(kernel.crc32c, maskCrc(crcOf(rawBytes(std::vector<float>{0, 1, 2, 3, 4, 5}))));

  const BundleEntry step = decodeEntry(kExampleEntries[3].value);
  EXPECT_EQ(step.dtype, 9);
  EXPECT_TRUE(step.shape.empty());
  EXPECT_EQ(step.offset, 32);
  EXPECT_EQ(step.size, 8);
  EXPECT_EQ(step.crc32c, maskCrc(crcOf(rawBytes(std::vector<std::int64_t>{7}))));

  for (std::size_t i = 1; i < 4; ++i) EXPECT_EQ(encodeEntry(decodeEntry(kExampleEntries[i].value)), kExampleEntries[i].value);
}

TEST(TensorBundleProto, HeaderVariants) {
  BundleHeader h;
  h.numShards = 2;
  EXPECT_EQ(encodeHeader(h), fromHex("08 02"));
  h.version = VersionDef{};
  EXPECT_EQ(encodeHeader(h), fromHex("08 02 1a 00"));
  h.version->badConsumers = {3, 4};
  h.endianness = 1;
  EXPECT_EQ(encodeHeader(h), fromHex("08 02 10 01 1a 04 1a 02 03 04"));
  // Unpacked bad_consumers decode too; unknown fields are skipped.
  const BundleHeader d = decodeHeader(fromHex("08 02 1a 06 08 01 18 03 18 04 62 01 7a 20 05"));
  EXPECT_EQ(d.numShards, 2);
  ASSERT_TRUE(d.version);
  EXPECT_EQ(d.version->badConsumers, (std::vector<std::int32_t>{3, 4}));
  EXPECT_THROW(decodeHeader(fromHex("08")), WireError);
  EXPECT_THROW(decodeHeader(fromHex("1a 05 08")), WireError);
}

TEST(TensorBundleProto, NegativeValuesUseTenByteVarints) {
  BundleEntry e;
  e.dtype = -1;
  e.shape = {-1, 3};
  e.offset = -5;
  const std::string bytes = encodeEntry(e);
  EXPECT_EQ(bytes.substr(0, 11), fromHex("08 ff ff ff ff ff ff ff ff ff 01"));
  const BundleEntry back = decodeEntry(bytes);
  EXPECT_EQ(back.dtype, -1);
  EXPECT_EQ(back.shape, (std::vector<std::int64_t>{-1, 3}));
  EXPECT_EQ(back.offset, -5);
  EXPECT_EQ(encodeEntry(back), bytes);
}

TEST(TensorBundleProto, SlicesKeepLengthPresence) {
  BundleEntry e;
  e.dtype = 1;
  e.shape = {10, 4};
  e.slices = {{{0, 5}, {0, std::nullopt}}, {{5, 5}, {0, std::nullopt}}, {{0, 0}}};
  const std::string bytes = encodeEntry(e);
  // Slice 0: extent{length 5} and an empty extent (whole dimension).
  EXPECT_NE(bytes.find(fromHex("3a 06 0a 02 10 05 0a 00")), std::string::npos) << toHex(bytes);
  const BundleEntry back = decodeEntry(bytes);
  ASSERT_EQ(back.slices.size(), 3u);
  EXPECT_EQ(back.slices[0][0].length, std::optional<std::int64_t>(5));
  EXPECT_FALSE(back.slices[0][1].length.has_value());
  EXPECT_EQ(back.slices[1][0].start, 5);
  EXPECT_EQ(back.slices[2][0].length, std::optional<std::int64_t>(0));  // present though zero
  EXPECT_EQ(encodeEntry(back), bytes);
}

TEST(TensorBundleProto, ObjectGraphRoundTripsWithUnknownFields) {
  TrackableObjectGraph g;
  TrackableObject root;
  root.children = {{1, "model"}, {2, "optimizer"}};
  TrackableObject var;
  var.attributes = {{"VARIABLE_VALUE", "dense/kernel", "model/kernel/.ATTRIBUTES/VARIABLE_VALUE"}};
  var.otherFields = fromHex("2a 02 08 01");  // has_checkpoint_values {value: true}
  TrackableObject opt;
  opt.slotVariables = {{1, "m", 3}};
  g.nodes = {root, var, opt, TrackableObject{}};
  const std::string bytes = encodeObjectGraph(g);
  const TrackableObjectGraph back = decodeObjectGraph(bytes);
  ASSERT_EQ(back.nodes.size(), 4u);
  EXPECT_EQ(back.nodes[0].children[1].localName, "optimizer");
  EXPECT_EQ(back.nodes[1].attributes[0].checkpointKey, "model/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(back.nodes[1].otherFields, fromHex("2a 02 08 01"));
  EXPECT_EQ(back.nodes[2].slotVariables[0].slotVariableNodeId, 3);
  EXPECT_EQ(encodeObjectGraph(back), bytes);
}

TEST(TensorBundleProto, ObjectGraphKeepsStringFirstFieldOrder) {
  // As in the TF 2.14 SavedModel of the real test set: ObjectReference{local_name, node_id}.
  const std::string pythonOrder = fromHex("0a 07 0a 05 12 01 61 08 01 0a 00");
  const TrackableObjectGraph g = decodeObjectGraph(pythonOrder);
  EXPECT_TRUE(g.stringFieldsFirst);
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].children[0].nodeId, 1);
  EXPECT_EQ(g.nodes[0].children[0].localName, "a");
  EXPECT_EQ(encodeObjectGraph(g), pythonOrder);
  TrackableObjectGraph numberOrder = g;
  numberOrder.stringFieldsFirst = false;
  EXPECT_EQ(encodeObjectGraph(numberOrder), fromHex("0a 07 0a 05 08 01 12 01 61 0a 00"));
  EXPECT_FALSE(decodeObjectGraph(encodeObjectGraph(numberOrder)).stringFieldsFirst);
  // Slot references follow the same flag.
  TrackableObjectGraph slots;
  slots.nodes.resize(1);
  slots.nodes[0].slotVariables = {{2, "m", 3}};
  EXPECT_EQ(encodeObjectGraph(slots), fromHex("0a 09 1a 07 08 02 12 01 6d 18 03"));
  slots.stringFieldsFirst = true;
  const std::string slotBytes = encodeObjectGraph(slots);
  EXPECT_EQ(slotBytes, fromHex("0a 09 1a 07 12 01 6d 08 02 18 03"));
  EXPECT_TRUE(decodeObjectGraph(slotBytes).stringFieldsFirst);
}

// ---- DT_STRING ---------------------------------------------------------------------------

TEST(TensorBundleStringTensor, HelloBothWays) {
  const EncodedStringTensor enc = encodeStringTensor({"hello"});
  EXPECT_EQ(toHex(enc.region), toHex(fromHex("05 d9 c6 9c 43 68 65 6c 6c 6f")));
  EXPECT_EQ(enc.entryCrcMasked, 0x29C0E0ECu);
  EXPECT_EQ(decodeStringTensor(bytesOf(enc.region), 1, 0x29C0E0ECu), std::vector<std::string>{"hello"});
}

TEST(TensorBundleStringTensor, SeveralElementsAndErrors) {
  const std::vector<std::string> elements = {"", "a", std::string(300, 'z'), "\x00\xff"};
  const EncodedStringTensor enc = encodeStringTensor(elements);
  EXPECT_EQ(decodeStringTensor(bytesOf(enc.region), elements.size(), enc.entryCrcMasked), elements);

  const auto region = bytesOf(enc.region);
  EXPECT_THROW(decodeStringTensor(region, elements.size(), enc.entryCrcMasked ^ 1), WireError);
  EXPECT_THROW(decodeStringTensor(region, 3, enc.entryCrcMasked), WireError);            // wrong count
  EXPECT_THROW(decodeStringTensor(region, 1ull << 60, enc.entryCrcMasked), WireError);   // absurd count
  EXPECT_THROW(decodeStringTensor(region.first(region.size() - 1), 4, enc.entryCrcMasked), WireError);
  std::string corrupt = enc.region;
  corrupt.back() ^= 1;
  EXPECT_THROW(decodeStringTensor(bytesOf(corrupt), 4, enc.entryCrcMasked), WireError);
  corrupt = enc.region;
  corrupt[0] = 1;  // length changed: the length checksum no longer matches
  EXPECT_THROW(decodeStringTensor(bytesOf(corrupt), 4, enc.entryCrcMasked), WireError);
  const EncodedStringTensor none = encodeStringTensor({});
  EXPECT_EQ(none.region.size(), 4u);
  EXPECT_TRUE(decodeStringTensor(bytesOf(none.region), 0, none.entryCrcMasked).empty());
}

// ---- Real files --------------------------------------------------------------------------

namespace {

std::vector<fs::path> realIndexFiles(const fs::path& real) {
  std::vector<fs::path> files;
  for (const char* dir : {"tf1-checkpoint", "tf2-checkpoint", "other"}) {
    if (!fs::is_directory(real / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(real / dir))
      if (e.is_regular_file() && e.path().extension() == ".index") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

fs::path dataShard(const fs::path& index, int shard, int numShards) {
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", shard, numShards);
  std::string prefix = index.string();
  prefix.resize(prefix.size() - std::string(".index").size());
  return prefix + suffix;
}

std::string readRegion(const fs::path& index, const BundleHeader& header, const BundleEntry& e) {
  const std::string data = test::readFile(dataShard(index, e.shardId, header.numShards));
  if (e.offset < 0 || e.size < 0 || static_cast<std::uint64_t>(e.offset + e.size) > data.size()) {
    ADD_FAILURE() << "entry region beyond the data file";
    return {};
  }
  return data.substr(static_cast<std::size_t>(e.offset), static_cast<std::size_t>(e.size));
}

}  // namespace

TEST(TensorBundleTable, EveryRealIndexParsesAndRebuildsByteForByte) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto files = realIndexFiles(real);
  ASSERT_GE(files.size(), 9u) << "the real test set has 9 .index files";
  int exact = 0, snappy = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    const std::string bytes = test::readFile(path);
    TableFacts facts;
    const auto entries = readTable(path, &facts);
    ASSERT_FALSE(entries.empty());
    ASSERT_EQ(entries[0].key, "");
    const BundleHeader header = decodeHeader(entries[0].value);
    EXPECT_GE(header.numShards, 1);
    EXPECT_EQ(header.endianness, 0);
    int numeric = 0, strings = 0;
    for (std::size_t i = 1; i < entries.size(); ++i) {
      if (entries[i].key.empty() || entries[i].key[0] == '\0') continue;  // slice entries
      SCOPED_TRACE(entries[i].key);
      const BundleEntry e = decodeEntry(entries[i].value);
      EXPECT_GT(e.dtype, 0);
      EXPECT_EQ(encodeEntry(e), entries[i].value) << "entry does not re-encode to the same bytes";
      if (!e.slices.empty() || e.dtype == 21) continue;
      const std::string region = readRegion(path, header, e);
      if (e.dtype == 7) {
        std::uint64_t count = 1;
        for (const auto d : e.shape) count *= static_cast<std::uint64_t>(d);
        EXPECT_NO_THROW(decodeStringTensor(bytesOf(region), count, e.crc32c));
        ++strings;
      } else {
        EXPECT_EQ(maskCrc(crcOf(region)), e.crc32c) << "tensor checksum";
        ++numeric;
      }
    }
    EXPECT_GT(numeric, 0);
    const std::string rebuilt = buildTable(entries);
    if (facts.anySnappy) {
      ++snappy;
      std::cout << "[ snappy ] " << fs::relative(path, real).string() << " (" << facts.dataBlocks << " data blocks)\n";
      const auto again = parseTable(rebuilt, path);
      ASSERT_EQ(again.size(), entries.size());
      for (std::size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(again[i].key, entries[i].key);
        EXPECT_EQ(again[i].value, entries[i].value);
      }
    } else {
      EXPECT_EQ(toHex(rebuilt), toHex(bytes)) << "rebuilt table differs";
      if (rebuilt == bytes) ++exact;
    }
  }
  std::cout << "[ tables ] " << files.size() << " real .index files, " << exact << " rebuilt byte for byte, " << snappy
            << " with snappy blocks\n";
  EXPECT_EQ(exact + snappy, static_cast<int>(files.size()));
}

TEST(TensorBundleProto, RealObjectGraphsDecodeAndReencode) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  int graphs = 0, exact = 0;
  for (const auto& path : realIndexFiles(real)) {
    const auto entries = readTable(path);
    std::map<std::string, std::string> byKey;
    for (const auto& e : entries) byKey[e.key] = e.value;
    const auto it = byKey.find("_CHECKPOINTABLE_OBJECT_GRAPH");
    if (it == byKey.end()) continue;
    SCOPED_TRACE(path.string());
    const BundleHeader header = decodeHeader(byKey.at(""));
    const BundleEntry e = decodeEntry(it->second);
    EXPECT_EQ(e.dtype, 7);
    EXPECT_TRUE(e.shape.empty());
    const std::string region = readRegion(path, header, e);
    const auto strings = decodeStringTensor(bytesOf(region), 1, e.crc32c);
    ASSERT_EQ(strings.size(), 1u);
    const TrackableObjectGraph graph = decodeObjectGraph(strings[0]);
    EXPECT_FALSE(graph.nodes.empty());
    const std::string reencoded = encodeObjectGraph(graph);
    EXPECT_EQ(toHex(reencoded), toHex(strings[0])) << "object graph does not re-encode to the same bytes";
    if (reencoded == strings[0]) ++exact;
    if (graph.stringFieldsFirst) std::cout << "[ strings first ] " << fs::relative(path, real).string() << "\n";
    int keys = 0;
    for (const auto& node : graph.nodes)
      for (const auto& a : node.attributes) {
        EXPECT_TRUE(byKey.count(a.checkpointKey)) << "missing key " << a.checkpointKey;
        ++keys;
      }
    EXPECT_GT(keys, 0);
    ++graphs;
  }
  EXPECT_GE(graphs, 4) << "the four tf2-checkpoint files carry object graphs";
  EXPECT_EQ(exact, graphs);
}
