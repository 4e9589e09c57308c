#include "formats/tensor_bundle/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define GRAFT_CRC32C_X86 1
#endif

namespace graft::tfbundle {
namespace {

constexpr std::uint32_t kPolyReflected = 0x82F63B78u;

// Slicing-by-8 tables: kTables[0] is the classic byte table; kTables[k][b] is the CRC of byte
// b followed by k zero bytes, so eight table look-ups advance the state by eight bytes.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables makeTables() {
  Tables t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1u) ? (c >> 1) ^ kPolyReflected : c >> 1;
    t[0][b] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
  return t;
}

constexpr Tables kTables = makeTables();

std::uint64_t loadLe64(const unsigned char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);  // unaligned-safe; x86 and the usual ARM targets are little-endian
  return v;
}

// `state` is the raw register (already inverted); returns the new register.
std::uint32_t softwareUpdate(std::uint32_t state, const unsigned char* p, std::size_t n) {
  while (n >= 8) {
    const std::uint64_t word = loadLe64(p) ^ state;
    state = kTables[7][word & 0xFFu] ^ kTables[6][(word >> 8) & 0xFFu] ^ kTables[5][(word >> 16) & 0xFFu] ^
            kTables[4][(word >> 24) & 0xFFu] ^ kTables[3][(word >> 32) & 0xFFu] ^
            kTables[2][(word >> 40) & 0xFFu] ^ kTables[1][(word >> 48) & 0xFFu] ^ kTables[0][word >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) state = (state >> 8) ^ kTables[0][(state ^ *p++) & 0xFFu];
  return state;
}

#ifdef GRAFT_CRC32C_X86
#if defined(__x86_64__)
// The crc32 instruction has a latency of three cycles and a throughput of one: a single chain
// of it reaches a third of what the CPU can do. Three chains over three neighbouring blocks
// run at full speed, and are joined by the linearity of CRCs: with r the register after a
// block A, the register after A‖B is shift(r) ^ crc(0, B), where shift(r) is r carried across
// |B| zero bytes, a linear map applied by table.
constexpr std::size_t kStreamBytes = 8192;

__attribute__((target("sse4.2"))) std::uint32_t acrossZeros(std::uint32_t state) {
  std::uint64_t s = state;
  for (std::size_t i = 0; i < kStreamBytes; i += 8) s = _mm_crc32_u64(s, 0);
  return static_cast<std::uint32_t>(s);
}

struct StreamShift {
  std::array<std::array<std::uint32_t, 256>, 4> byByte{};  // byByte[k][b] = acrossZeros(b << 8k)
  std::uint32_t operator()(std::uint32_t r) const {
    return byByte[0][r & 0xFFu] ^ byByte[1][(r >> 8) & 0xFFu] ^ byByte[2][(r >> 16) & 0xFFu] ^ byByte[3][r >> 24];
  }
};

const StreamShift& streamShift() {
  static const StreamShift shift = [] {
    StreamShift t;
    for (unsigned k = 0; k < 4; ++k)
      for (std::uint32_t b = 0; b < 256; ++b) t.byByte[k][b] = acrossZeros(b << (8 * k));
    return t;
  }();
  return shift;
}
#endif

__attribute__((target("sse4.2"))) std::uint32_t hardwareUpdate(std::uint32_t state, const unsigned char* p,
                                                                std::size_t n) {
#if defined(__x86_64__)
  if (n >= 3 * kStreamBytes) {
    const StreamShift& shift = streamShift();
    while (n >= 3 * kStreamBytes) {
      std::uint64_t a = state, b = 0, c = 0;
      for (std::size_t i = 0; i < kStreamBytes; i += 8) {
        a = _mm_crc32_u64(a, loadLe64(p + i));
        b = _mm_crc32_u64(b, loadLe64(p + kStreamBytes + i));
        c = _mm_crc32_u64(c, loadLe64(p + 2 * kStreamBytes + i));
      }
      state = shift(shift(static_cast<std::uint32_t>(a)) ^ static_cast<std::uint32_t>(b)) ^ static_cast<std::uint32_t>(c);
      p += 3 * kStreamBytes;
      n -= 3 * kStreamBytes;
    }
  }
  std::uint64_t s = state;
  while (n >= 8) {
    s = _mm_crc32_u64(s, loadLe64(p));
    p += 8;
    n -= 8;
  }
  state = static_cast<std::uint32_t>(s);
#endif
  while (n-- > 0) state = _mm_crc32_u8(state, *p++);
  return state;
}

bool cpuHasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

std::uint32_t crc32cExtend(std::uint32_t crc, std::span<const std::byte> data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::uint32_t state = ~crc;
#ifdef GRAFT_CRC32C_X86
  if (cpuHasSse42()) return ~hardwareUpdate(state, p, data.size());
#endif
  return ~softwareUpdate(state, p, data.size());
}

std::uint32_t crc32cExtendSoftware(std::uint32_t crc, std::span<const std::byte> data) {
  return ~softwareUpdate(~crc, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

}  // namespace graft::tfbundle
