#include "formats/tensor_bundle/string_tensor.h"

#include <algorithm>

#include <limits>
#include <string_view>

#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/wire.h"

namespace graft::tfbundle {

namespace {

// TF checksums each length as its in-memory integer: 4 LE bytes, 8 when it needs them.
std::uint32_t extendWithLength(std::uint32_t crc, std::uint64_t length) {
  WireWriter w;
  if (length <= std::numeric_limits<std::uint32_t>::max()) {
    w.fixed32(static_cast<std::uint32_t>(length));
  } else {
    w.fixed64(length);
  }
  const std::string& b = w.data();
  return crc32cExtend(crc, {reinterpret_cast<const std::byte*>(b.data()), b.size()});
}

}  // namespace

std::vector<std::string> decodeStringTensor(std::span<const std::byte> region, std::uint64_t count,
                                            std::uint32_t entryCrcMasked) {
  // Every length takes at least one byte and the checksum four: bounds count before allocating.
  if (region.size() < 4 || count > region.size() - 4)
    throw WireError("string tensor region of " + std::to_string(region.size()) + " bytes cannot hold " +
                    std::to_string(count) + " elements");
  WireReader r(region);
  std::vector<std::uint64_t> lengths(static_cast<std::size_t>(count));
  std::uint32_t crc = 0;
  for (auto& len : lengths) {
    len = r.varint64();
    crc = extendWithLength(crc, len);
  }
  const auto storedChecksum = r.bytes(4);
  WireReader checksumReader(storedChecksum);
  if (checksumReader.fixed32() != maskCrc(crc)) throw WireError("string tensor length checksum mismatch");
  crc = crc32cExtend(crc, storedChecksum);

  std::uint64_t total = 0;
  for (const auto len : lengths) {
    if (len > r.remaining() - total) throw WireError("string tensor lengths run past the end of the region");
    total += len;
  }
  if (total != r.remaining())
    throw WireError("string tensor region has " + std::to_string(r.remaining() - total) + " trailing bytes");
  crc = crc32cExtend(crc, region.subspan(r.position()));
  if (maskCrc(crc) != entryCrcMasked) throw WireError("string tensor checksum mismatch (data corrupted?)");

  std::vector<std::string> out;
  out.reserve(lengths.size());
  for (const auto len : lengths) out.emplace_back(r.view(static_cast<std::size_t>(len)));
  return out;
}

EncodedStringTensor encodeStringTensor(const std::vector<std::string>& elements) {
  WireWriter w;
  std::uint32_t crc = 0;
  for (const auto& s : elements) {
    w.varint(s.size());
    crc = extendWithLength(crc, s.size());
  }
  const std::size_t checksumAt = w.data().size();
  w.fixed32(maskCrc(crc));
  for (const auto& s : elements) w.raw(s);
  const std::string& region = w.data();
  const std::span<const std::byte> tail(reinterpret_cast<const std::byte*>(region.data()) + checksumAt,
                                        region.size() - checksumAt);
  EncodedStringTensor out;
  out.entryCrcMasked = maskCrc(crc32cExtend(crc, tail));
  out.region = w.take();
  return out;
}

std::string canonicalStrings(const std::vector<std::string>& elements) {
  std::string out;
  for (const auto& e : elements) {
    const std::uint64_t n = e.size();
    for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    out += e;
  }
  return out;
}

std::string_view firstCanonicalString(std::string_view canonical) {
  if (canonical.size() < 8) return {};
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(canonical[static_cast<std::size_t>(i)]);
  return canonical.substr(8, static_cast<std::size_t>(std::min<std::uint64_t>(n, canonical.size() - 8)));
}

}  // namespace graft::tfbundle
