#pragma once
// The few pieces of the protobuf wire format and LevelDB varints that TensorBundle files use
// (checkpoint-formats.md §1.1, §1.2). Readers never read past their span and throw
// WireError on anything malformed; the caller turns that into a message naming the file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace graft::tfbundle {

class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sequential reader over bytes.
class WireReader {
 public:
  explicit WireReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  explicit WireReader(std::string_view bytes)
      : bytes_(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()) {}

  bool atEnd() const { return pos_ >= bytes_.size(); }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }

  std::uint64_t varint64();  // at most 10 bytes
  std::uint32_t varint32();  // at most 5 bytes, value must fit 32 bits
  std::uint32_t fixed32();   // little-endian
  std::uint64_t fixed64();   // little-endian
  std::span<const std::byte> bytes(std::size_t n);  // throws when fewer remain
  std::string_view view(std::size_t n);             // same, as chars

  // Protobuf: the next field's key; false at the end of the message.
  bool nextField(std::uint32_t& fieldNumber, std::uint32_t& wireType);
  // The payload of a length-delimited field (wire type 2).
  std::span<const std::byte> lengthDelimited();
  // Skips a field's value by its wire type (0, 1, 2, 5; groups are rejected).
  void skip(std::uint32_t wireType);

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

// Appending writer, the inverse of WireReader.
class WireWriter {
 public:
  void varint(std::uint64_t v);
  void fixed32(std::uint32_t v);
  void fixed64(std::uint64_t v);
  void raw(std::span<const std::byte> b);
  void raw(std::string_view s);

  // Protobuf fields. Proto3 callers skip zero values themselves where TF omits them.
  void fieldVarint(std::uint32_t field, std::uint64_t v);
  void fieldFixed32(std::uint32_t field, std::uint32_t v);
  void fieldBytes(std::uint32_t field, std::string_view payload);  // strings and sub-messages

  const std::string& data() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace graft::tfbundle
