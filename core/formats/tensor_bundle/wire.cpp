#include "formats/tensor_bundle/wire.h"

#include <string>

namespace graft::tfbundle {

namespace {

std::uint8_t byteAt(std::span<const std::byte> bytes, std::size_t i) { return std::to_integer<std::uint8_t>(bytes[i]); }

}  // namespace

std::uint64_t WireReader::varint64() {
  std::uint64_t value = 0;
  for (int i = 0; i < 10; ++i) {
    if (pos_ >= bytes_.size()) throw WireError("truncated varint");
    const std::uint8_t b = byteAt(bytes_, pos_++);
    // The 10th byte holds only bit 63: anything more would overflow 64 bits.
    if (i == 9 && b > 1) throw WireError("varint overflows 64 bits");
    value |= std::uint64_t{b & 0x7Fu} << (7 * i);
    if ((b & 0x80u) == 0) return value;
  }
  throw WireError("varint longer than 10 bytes");
}

std::uint32_t WireReader::varint32() {
  std::uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    if (pos_ >= bytes_.size()) throw WireError("truncated varint");
    const std::uint8_t b = byteAt(bytes_, pos_++);
    // The 5th byte holds bits 28..31 only.
    if (i == 4 && b > 0x0F) throw WireError("varint32 overflows 32 bits");
    value |= std::uint32_t{b & 0x7Fu} << (7 * i);
    if ((b & 0x80u) == 0) return value;
  }
  throw WireError("varint32 longer than 5 bytes");
}

std::uint32_t WireReader::fixed32() {
  const auto b = bytes(4);
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= std::uint32_t{byteAt(b, i)} << (8 * i);
  return v;
}

std::uint64_t WireReader::fixed64() {
  const auto b = bytes(8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{byteAt(b, i)} << (8 * i);
  return v;
}

std::span<const std::byte> WireReader::bytes(std::size_t n) {
  if (n > remaining()) throw WireError("truncated data: needs " + std::to_string(n) + " bytes, " +
                                       std::to_string(remaining()) + " left");
  const auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::string_view WireReader::view(std::size_t n) {
  const auto b = bytes(n);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool WireReader::nextField(std::uint32_t& fieldNumber, std::uint32_t& wireType) {
  if (atEnd()) return false;
  const std::uint32_t key = varint32();
  fieldNumber = key >> 3;
  wireType = key & 7u;
  if (fieldNumber == 0) throw WireError("protobuf field number 0");
  return true;
}

std::span<const std::byte> WireReader::lengthDelimited() {
  const std::uint64_t n = varint64();
  if (n > remaining()) throw WireError("length-delimited field runs past its message");
  return bytes(static_cast<std::size_t>(n));
}

void WireReader::skip(std::uint32_t wireType) {
  switch (wireType) {
    case 0: varint64(); return;
    case 1: bytes(8); return;
    case 2: lengthDelimited(); return;
    case 5: bytes(4); return;
    case 3:
    case 4: throw WireError("protobuf groups are not supported");
    default: throw WireError("invalid protobuf wire type " + std::to_string(wireType));
  }
}

void WireWriter::varint(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void WireWriter::fixed32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void WireWriter::fixed64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void WireWriter::raw(std::span<const std::byte> b) { out_.append(reinterpret_cast<const char*>(b.data()), b.size()); }

void WireWriter::raw(std::string_view s) { out_.append(s); }

void WireWriter::fieldVarint(std::uint32_t field, std::uint64_t v) {
  varint(std::uint64_t{field} << 3);
  varint(v);
}

void WireWriter::fieldFixed32(std::uint32_t field, std::uint32_t v) {
  varint((std::uint64_t{field} << 3) | 5u);
  fixed32(v);
}

void WireWriter::fieldBytes(std::uint32_t field, std::string_view payload) {
  varint((std::uint64_t{field} << 3) | 2u);
  varint(payload.size());
  out_.append(payload);
}

}  // namespace graft::tfbundle
