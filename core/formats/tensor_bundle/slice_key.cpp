#include "formats/tensor_bundle/slice_key.h"

namespace graft::tfbundle {
namespace {

// WriteNumIncreasing: a length byte, then the big-endian bytes without leading zeros.
void numIncreasing(std::string& out, std::uint64_t v) {
  std::string bytes;
  for (; v; v >>= 8) bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
  out += static_cast<char>(bytes.size());
  out += bytes;
}

}  // namespace

std::string signedNumIncreasing(std::int64_t v) {
  // The smallest n with v in [-2^(7n-1), 2^(7n-1)); n = 10 holds every int64.
  int n = 1;
  for (; n < 10; ++n) {
    const std::int64_t bound = std::int64_t{1} << (7 * n - 1);
    if (v >= -bound && v < bound) break;
  }
  std::string out(static_cast<std::size_t>(n), '\0');
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < n; ++i) {
    const int shift = 8 * (n - 1 - i);
    const std::uint64_t byte = shift >= 64 ? (v < 0 ? 0xff : 0) : (u >> shift) & 0xff;
    out[static_cast<std::size_t>(i)] = static_cast<char>(byte);
  }
  // The length header: the top n bits set (n <= 8); FF 80 for 9 bytes, FF C0 for 10.
  auto flip = [&](std::size_t i, unsigned mask) {
    out[i] = static_cast<char>(static_cast<unsigned char>(out[i]) ^ mask);
  };
  if (n <= 8) {
    flip(0, (0xff00u >> n) & 0xff);
  } else {
    flip(0, 0xff);
    flip(1, n == 9 ? 0x80 : 0xc0);
  }
  return out;
}

std::string sliceKey(std::string_view name, const std::vector<SliceExtent>& extents) {
  std::string out(1, '\0');  // WriteNumIncreasing(0)
  for (char c : name) {
    if (c == '\0') out += std::string("\0\xff", 2);
    else if (c == '\xff') out += std::string("\xff\0", 2);
    else out += c;
  }
  out += std::string("\0\x01", 2);
  numIncreasing(out, extents.size());
  for (const auto& e : extents) {
    out += signedNumIncreasing(e.start);
    out += signedNumIncreasing(e.length ? *e.length : -1);
  }
  return out;
}

}  // namespace graft::tfbundle
