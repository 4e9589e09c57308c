#pragma once
// CRC-32C (Castagnoli) as TensorFlow's table and bundle code use it, and TF's "masked" form
// that every stored checksum takes (checkpoint-formats.md §1.3). Hardware (SSE4.2) when the
// CPU has it: tensor CRCs run over every byte a TF export writes.

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <span>
#include <vector>

namespace graft::tfbundle {

// Continues a running CRC: crc32c(A‖B) == crc32cExtend(crc32c(A), B). Start from 0.
std::uint32_t crc32cExtend(std::uint32_t crc, std::span<const std::byte> data);
inline std::uint32_t crc32c(std::span<const std::byte> data) { return crc32cExtend(0, data); }
// The table-driven version crc32cExtend falls back to without SSE4.2; exposed so tests can
// check it against the hardware path.
std::uint32_t crc32cExtendSoftware(std::uint32_t crc, std::span<const std::byte> data);

// CRC-32C of `size` bytes that read(offset, out) fills in, in chunks of at most 4 MiB (a
// tensor's bytes checked or summed without holding the tensor).
template <typename Read>
std::uint32_t crc32cOfChunks(std::uint64_t size, Read&& read) {
  std::vector<std::byte> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(size, 4u << 20)));
  std::uint32_t crc = 0;
  for (std::uint64_t at = 0; at < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - at));
    read(at, std::span<std::byte>(buffer.data(), n));
    crc = crc32cExtend(crc, std::span<const std::byte>(buffer.data(), n));
    at += n;
  }
  return crc;
}

constexpr std::uint32_t kMaskDelta = 0xa282ead8u;
constexpr std::uint32_t maskCrc(std::uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
constexpr std::uint32_t unmaskCrc(std::uint32_t masked) {
  const std::uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace graft::tfbundle
