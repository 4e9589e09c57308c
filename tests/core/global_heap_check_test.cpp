// The global heap check that stands between libhdf5 1.10.8 and a crafted collection of
// variable-length strings (core/io/hdf5/global_heap_check.h): on bytes, then end to end on a
// real Keras 2 file whose collection is damaged the way the fuzzer's inputs were.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "io/hdf5/global_heap_check.h"
#include "test_support.h"

using namespace graft;
using graft::test::putLittleEndian;
using graft::hdf5::globalHeapCollectionProblem;
namespace fs = std::filesystem;

namespace {

// A collection of `size` bytes as libhdf5 writes it: objects of the given sizes (indices 1, 2...),
// then the rest as free space (index 0).
std::string collection(std::uint64_t size, const std::vector<std::uint64_t>& objects) {
  std::string bytes(size, '\0');
  std::memcpy(bytes.data(), "GCOL\x01\0\0\0", 8);
  putLittleEndian(bytes, 8, size, 8);
  std::size_t at = 16;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    putLittleEndian(bytes, at, i + 1, 2);
    putLittleEndian(bytes, at + 8, objects[i], 8);
    at += 16 + ((objects[i] + 7) & ~std::uint64_t{7});
  }
  if (size - at >= 16) putLittleEndian(bytes, at + 8, size - at, 8);  // index 0
  return bytes;
}

std::string problemOf(const std::string& bytes, std::uint64_t available) {
  return globalHeapCollectionProblem(
      [&](std::uint64_t pos, std::size_t n, unsigned char* out) {
        if (pos > bytes.size() || n > bytes.size() - pos) return false;
        std::memcpy(out, bytes.data() + pos, n);
        return true;
      },
      available, 8);
}

// Where the free-space entry of the collection at `at` starts.
std::size_t freeSpaceEntry(const std::string& file, std::size_t at) {
  std::uint64_t size = 0, pos = 16;
  std::memcpy(&size, file.data() + at + 8, 8);
  while (size - pos >= 16) {
    std::uint16_t index = 0;
    std::uint64_t objectSize = 0;
    std::memcpy(&index, file.data() + at + pos, 2);
    std::memcpy(&objectSize, file.data() + at + pos + 8, 8);
    if (index == 0) return at + static_cast<std::size_t>(pos);
    pos += 16 + ((objectSize + 7) & ~std::uint64_t{7});
  }
  return std::string::npos;
}

}  // namespace

TEST(GlobalHeapCheck, AcceptsCollectionsAsLibhdf5WritesThem) {
  EXPECT_EQ(problemOf(collection(4096, {5, 10, 1315, 277}), 4096), "");
  EXPECT_EQ(problemOf(collection(4096, {4096 - 32}), 4096), "");   // full: no free-space entry
  EXPECT_EQ(problemOf(collection(4096, {4096 - 40}), 9000), "");   // a tail too small for an entry
  EXPECT_EQ(problemOf(collection(3 << 20, {1 << 20, 1 << 20}), 3 << 20), "");  // read through the window
}

TEST(GlobalHeapCheck, RefusesWhatMakesLibhdf5LoopOrReadPastTheCollection) {
  std::string zeroFree = collection(4096, {5, 10});
  putLittleEndian(zeroFree, 16 + 24 + 32 + 8, 0, 8);  // the free-space entry's size
  EXPECT_NE(problemOf(zeroFree, 4096).find("free space of size 0"), std::string::npos) << problemOf(zeroFree, 4096);

  std::string overrun = collection(4096, {5, 10});
  putLittleEndian(overrun, 16 + 24 + 8, 5000, 8);  // object 2 claims more than the collection
  EXPECT_NE(problemOf(overrun, 4096).find("object 2 claims 5000 bytes, past its end"), std::string::npos);

  std::string wraps = collection(4096, {5});
  putLittleEndian(wraps, 16 + 8, ~std::uint64_t{0} - 3, 8);  // padding it would wrap around to 0
  EXPECT_NE(problemOf(wraps, 4096).find("past its end"), std::string::npos);

  EXPECT_NE(problemOf(collection(4096, {5}), 1000).find("runs past the end of the file"), std::string::npos);
  std::string tiny = collection(4096, {5});
  putLittleEndian(tiny, 8, 8, 8);
  EXPECT_NE(problemOf(tiny, 4096).find("smaller than its own header"), std::string::npos);
  std::string huge = collection(4096, {5});
  putLittleEndian(huge, 8, std::uint64_t{1} << 40, 8);
  EXPECT_NE(problemOf(huge, std::uint64_t{1} << 41).find("implausibly large"), std::string::npos);
  EXPECT_NE(problemOf(collection(4096, {5}), 10).find("cut short"), std::string::npos);
}

// The fuzzer's inputs that hung graft-cli forever inside libhdf5 (H5HG__cache_heap_deserialize)
// had a free-space entry of size 0 in the collection holding keras_version and model_config.
TEST(GlobalHeapCheck, ARealFileWithAZeroSizedFreeSpaceEntryEndsWithAnErrorNotAHang) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  std::string file = test::readFile(real / "keras2-model-h5/dl4j_embedding_lstm_tensorflow_2.h5");
  const std::size_t gcol = file.find("GCOL\x01", 0, 5);
  ASSERT_NE(gcol, std::string::npos);
  const std::size_t entry = freeSpaceEntry(file, gcol);
  ASSERT_NE(entry, std::string::npos);
  const fs::path intact = dir / "intact.h5", damaged = dir / "damaged.h5";
  test::writeFile(intact, file);
  putLittleEndian(file, entry + 8, 0, 8);
  test::writeFile(damaged, file);

  const auto good = test::runCommand({GRAFT_CLI_PATH, "ls", intact.string()}, 20);
  EXPECT_EQ(good.exitCode, 0) << good.err;
  const auto bad = test::runCommand({GRAFT_CLI_PATH, "ls", damaged.string()}, 20);
  ASSERT_NE(bad.exitCode, -1) << "graft-cli still ran after 20 s: libhdf5 loops on the collection";
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find(damaged.string()), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("free space of size 0"), std::string::npos) << bad.err;
}
