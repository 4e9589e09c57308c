// ZipArchive: member listing and in-place offsets agree with Python's zipfile; names that
// escape a folder are recognised; broken archives give errors naming the file.

#include <gtest/gtest.h>

#include <sstream>

#include "io/error.h"
#include "io/zip_archive.h"
#include "test_support.h"

using namespace graft;
using graft::test::runCommand;
using graft::test::TempDir;

TEST(ZipArchive, StoredMemberOffsetsMatchPythonsZipfile) {
  TempDir dir;
  const auto zip = dir / "a.zip";
  // Members with extra fields of different lengths, so the local header's own lengths count.
  const auto r = runCommand({"/usr/bin/python3", "-c",
                             "import sys, zipfile\n"
                             "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
                             "    for i in range(3):\n"
                             "        info = zipfile.ZipInfo(f'arch/data/{i}'); info.extra = b'\\xfe\\xca' + bytes([i * 4, 0]) + b'\\0' * (i * 4)\n"
                             "        z.writestr(info, bytes(range(i + 1)) * 100)\n"
                             "    z.writestr('deflated.txt', 'hello ' * 1000, compress_type=zipfile.ZIP_DEFLATED)\n"
                             "z = zipfile.ZipFile(sys.argv[1])\n"
                             "for i in z.infolist():\n"
                             "    f = open(sys.argv[1], 'rb'); f.seek(i.header_offset + 26); n = int.from_bytes(f.read(2), 'little'); e = int.from_bytes(f.read(2), 'little')\n"
                             "    print(i.filename, i.header_offset + 30 + n + e)\n",
                             zip.string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const ZipArchive archive(zip);
  ASSERT_EQ(archive.members().size(), 4u);
  std::istringstream expected(r.out);
  for (int i = 0; i < 3; ++i) {
    std::string name;
    std::uint64_t offset = 0;
    expected >> name >> offset;
    const ZipMember* m = archive.find(name);
    ASSERT_TRUE(m) << name;
    EXPECT_TRUE(m->stored);
    EXPECT_EQ(m->dataOffset, offset) << name;
    EXPECT_EQ(m->size, static_cast<std::uint64_t>(100 * (i + 1)));
    // The bytes at that offset are the member's.
    const std::string whole = test::readFile(zip);
    EXPECT_EQ(whole.substr(offset, m->size), archive.read(*m, 1 << 20));
  }
  const ZipMember* text = archive.find("deflated.txt");
  ASSERT_TRUE(text);
  EXPECT_FALSE(text->stored);
  EXPECT_EQ(archive.read(*text, 1 << 20).size(), 6000u);
  EXPECT_THROW(archive.read(*text, 100), Error);  // over the caller's bound: refused before inflating
  // Extraction never overwrites an existing file.
  test::writeFile(dir / "exists", "keep");
  EXPECT_THROW(archive.extract(*text, dir / "exists", 1 << 20), Error);
  EXPECT_EQ(test::readFile(dir / "exists"), "keep");
}

TEST(ZipArchive, SafeMemberNames) {
  EXPECT_TRUE(isSafeMemberName("archive/data/0"));
  EXPECT_TRUE(isSafeMemberName("layers\\dense\\vars"));
  EXPECT_TRUE(isSafeMemberName("a..b/c"));
  EXPECT_FALSE(isSafeMemberName("../evil"));
  EXPECT_FALSE(isSafeMemberName("a/../../evil"));
  EXPECT_FALSE(isSafeMemberName("a\\..\\evil"));
  EXPECT_FALSE(isSafeMemberName("/etc/passwd"));
  EXPECT_FALSE(isSafeMemberName("C:\\evil"));
  EXPECT_FALSE(isSafeMemberName(""));
}

TEST(ZipArchive, BrokenArchivesGiveErrorsNamingTheFile) {
  TempDir dir;
  test::writeFile(dir / "empty.zip", "");
  test::writeFile(dir / "text.zip", std::string(5000, 'x'));
  test::writeFile(dir / "eocd-only.zip", std::string("PK\x05\x06", 4) + std::string(18, '\xff'));
  for (const char* name : {"empty.zip", "text.zip", "eocd-only.zip"}) {
    try {
      ZipArchive z(dir / name);
      ADD_FAILURE() << name << " opened";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}
