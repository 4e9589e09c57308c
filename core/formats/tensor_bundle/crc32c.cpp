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
__attribute__((target("sse4.2"))) std::uint32_t hardwareUpdate(std::uint32_t state, const unsigned char* p,
                                                                std::size_t n) {
#if defined(__x86_64__)
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
