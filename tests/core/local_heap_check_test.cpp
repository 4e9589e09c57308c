// The local heap check that stands between libhdf5 1.10.8 and a crafted free list
// (core/io/hdf5/local_heap_check.h): on bytes, then end to end on a real Keras 2 file whose
// root group's heap is damaged the way the fuzzer's input was.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "io/hdf5/local_heap_check.h"
#include "test_support.h"

using namespace graft;
using graft::test::putLittleEndian;
using graft::hdf5::localHeapProblem;
namespace fs = std::filesystem;

namespace {

// A file holding one local heap as libhdf5 writes it (sizes of lengths and offsets 8): its
// 32-byte header at 0, its data block of `dataSize` bytes at `dataAt`, and the free blocks
// {offset, next, size} written into the data block; the list starts at `firstFree`.
struct HeapFile {
  std::string bytes;
  HeapFile(std::uint64_t dataSize, std::uint64_t dataAt, std::uint64_t firstFree,
           const std::vector<std::vector<std::uint64_t>>& freeBlocks)
      : bytes(static_cast<std::size_t>(dataAt + dataSize), '\0') {
    std::memcpy(bytes.data(), "HEAP\0\0\0\0", 8);
    putLittleEndian(bytes, 8, dataSize, 8);
    putLittleEndian(bytes, 16, firstFree, 8);
    putLittleEndian(bytes, 24, dataAt, 8);
    for (const auto& b : freeBlocks) {
      putLittleEndian(bytes, static_cast<std::size_t>(dataAt + b[0]), b[1], 8);
      putLittleEndian(bytes, static_cast<std::size_t>(dataAt + b[0] + 8), b[2], 8);
    }
  }
  std::string problem() const {
    return localHeapProblem(
        reinterpret_cast<const unsigned char*>(bytes.data()), 32,
        [this](std::uint64_t pos, std::size_t n, unsigned char* out) {
          if (pos > bytes.size() || n > bytes.size() - pos) return false;
          std::memcpy(out, bytes.data() + pos, n);
          return true;
        },
        bytes.size(), 8, 8);
  }
};

bool has(const std::string& problem, const std::string& what) { return problem.find(what) != std::string::npos; }

}  // namespace

TEST(LocalHeapCheck, AcceptsHeapsAsLibhdf5WritesThem) {
  EXPECT_EQ(HeapFile(88, 32, 40, {{40, 1, 48}}).problem(), "");           // one free block, data block next to the header
  EXPECT_EQ(HeapFile(176, 4096, 96, {{96, 1, 80}}).problem(), "");        // the data block elsewhere (a heap that grew)
  EXPECT_EQ(HeapFile(88, 32, 1, {}).problem(), "");                        // no free space
  EXPECT_EQ(HeapFile(96, 32, 0, {{0, 48, 16}, {48, 16, 16}, {16, 1, 32}}).problem(), "");  // unsorted, as many as fit
  EXPECT_EQ(HeapFile(96, 32, 0, {{0, 16, 16}, {16, 32, 16}, {32, 48, 16}, {48, 64, 16}, {64, 80, 16}, {80, 1, 16}})
                .problem(),
            "");  // six blocks of 16 bytes fill 96
}

TEST(LocalHeapCheck, RefusesAFreeListThatLoops) {
  const std::string self = HeapFile(88, 32, 8, {{8, 8, 80}}).problem();  // the fuzzer's input
  EXPECT_TRUE(has(self, "a local heap of 88 bytes at 32 has a free list that loops")) << self;
  EXPECT_TRUE(has(self, "libhdf5 would allocate until memory runs out")) << self;
  const std::string pair = HeapFile(176, 4096, 16, {{16, 96, 32}, {96, 16, 32}}).problem();
  EXPECT_TRUE(has(pair, "free list that loops")) << pair;
  const std::string late = HeapFile(96, 32, 0, {{0, 16, 16}, {16, 32, 16}, {32, 48, 16}, {48, 64, 16}, {64, 80, 16}, {80, 0, 16}})
                               .problem();
  EXPECT_EQ(late, "") << "next 0 ends the list as libhdf5's own error";
  const std::string back = HeapFile(96, 32, 0, {{0, 16, 16}, {16, 32, 16}, {32, 48, 16}, {48, 64, 16}, {64, 80, 16}, {80, 32, 16}})
                               .problem();
  EXPECT_TRUE(has(back, "free list that loops")) << back;
}

TEST(LocalHeapCheck, RefusesAFreeBlockWhoseHeaderRunsPastTheHeap) {
  const std::string p = HeapFile(88, 32, 80, {}).problem();  // 8 bytes left where 16 are read
  EXPECT_TRUE(has(p, "has a free block at 80 that runs past its end")) << p;
}

TEST(LocalHeapCheck, LeavesToLibhdf5WhatItRefusesItselfAndWhatItCannotReach) {
  EXPECT_EQ(HeapFile(88, 32, 88, {}).problem(), "");             // first block past the end: "bad heap free list"
  EXPECT_EQ(HeapFile(88, 32, 8, {{8, 0, 80}}).problem(), "");    // next 0: "free block size is zero?"
  EXPECT_EQ(HeapFile(88, 32, 8, {{8, 1, 81}}).problem(), "");    // larger than the heap: "bad heap free list"
  HeapFile beyond(88, 32, 8, {{8, 8, 80}});
  putLittleEndian(beyond.bytes, 24, 1 << 20, 8);                 // the data block past the end of the file
  EXPECT_EQ(beyond.problem(), "");
  HeapFile huge(88, 32, 8, {{8, 8, 80}});
  putLittleEndian(huge.bytes, 8, std::uint64_t{1} << 40, 8);     // not copied: left unchecked
  EXPECT_EQ(huge.problem(), "");
  HeapFile notAHeap(88, 32, 8, {{8, 8, 80}});
  notAHeap.bytes[4] = 1;                                          // version 1 does not exist
  EXPECT_EQ(notAHeap.problem(), "");
}

// The fuzzer's input made graft-cli ls run 40 s and take 4 GB inside libhdf5
// (H5HL__fl_deserialize) before it failed: a free block of a group's heap named itself as the
// next one. Here the root group's heap is damaged that way, in a file as written and in one
// behind a 512-byte user block (HDF5 addresses then count from byte 512, where the superblock is).
TEST(LocalHeapCheck, ARealFileWhoseHeapFreeListLoopsEndsWithAnErrorAtOnce) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const std::string file = test::readFile(real / "keras2-model-h5/dl4j_embedding_lstm_tensorflow_2.h5");
  const std::size_t heap = file.find(std::string("HEAP\0", 5));  // the root group's
  ASSERT_NE(heap, std::string::npos);
  std::uint64_t firstFree = 0, dataAt = 0;
  std::memcpy(&firstFree, file.data() + heap + 16, 8);
  std::memcpy(&dataAt, file.data() + heap + 24, 8);
  ASSERT_NE(firstFree, 1u) << "the root group's heap has no free block to damage";
  std::string looped = file;
  putLittleEndian(looped, static_cast<std::size_t>(dataAt + firstFree), firstFree, 8);
  const std::string userBlock(512, '\0');

  for (const auto& [name, intact, damaged] :
       {std::tuple{"plain", file, looped}, std::tuple{"user block", userBlock + file, userBlock + looped}}) {
    const fs::path intactPath = dir / "intact.h5", damagedPath = dir / "damaged.h5";
    test::writeFile(intactPath, intact);
    test::writeFile(damagedPath, damaged);
    const auto good = test::runCommand({GRAFT_CLI_PATH, "ls", intactPath.string()}, 20);
    EXPECT_EQ(good.exitCode, 0) << name << ": " << good.err;
    const auto bad = test::runCommand({GRAFT_CLI_PATH, "ls", damagedPath.string()}, 5);
    ASSERT_NE(bad.exitCode, -1) << name << ": graft-cli still ran after 5 s: libhdf5 follows the loop";
    EXPECT_EQ(bad.exitCode, 1) << name;
    EXPECT_NE(bad.err.find(damagedPath.string()), std::string::npos) << name << ": " << bad.err;
    EXPECT_NE(bad.err.find("has a free list that loops"), std::string::npos) << name << ": " << bad.err;
  }
}
