#include "io/hdf5/global_heap_check.h"

#include <algorithm>
#include <vector>

namespace graft::hdf5 {
namespace {

// Real collections hold a model's config and names: kilobytes to a few megabytes.
constexpr std::uint64_t kMaxCollectionBytes = std::uint64_t{1} << 30;
constexpr std::size_t kWindowBytes = std::size_t{1} << 20;

// Reads the collection through a window of 1 MiB, so a large one costs bounded memory.
class Window {
 public:
  Window(const ByteReader& read, std::uint64_t end) : read_(read), end_(end) {}

  // The `n` bytes at `pos` (pos + n <= end), or nullptr when they cannot be read.
  const unsigned char* at(std::uint64_t pos, std::size_t n) {
    if (pos < start_ || pos + n > start_ + bytes_.size()) {
      start_ = pos;
      bytes_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kWindowBytes, end_ - pos)));
      if (bytes_.size() < n || !read_(start_, bytes_.size(), bytes_.data())) {
        bytes_.clear();
        return nullptr;
      }
    }
    return bytes_.data() + (pos - start_);
  }

 private:
  const ByteReader& read_;
  std::uint64_t end_;
  std::uint64_t start_ = 0;
  std::vector<unsigned char> bytes_;
};

}  // namespace

std::string globalHeapCollectionProblem(const ByteReader& read, std::uint64_t available,
                                        unsigned lengthSize) {
  if (lengthSize != 2 && lengthSize != 4 && lengthSize != 8) return {};  // libhdf5 refuses such files itself
  // "GCOL", version, 3 reserved bytes, the collection's size; then objects of
  // [index: 2][reference count: 2][reserved: 4][size: lengthSize][data padded to 8 bytes].
  const std::uint64_t headerBytes = 8 + lengthSize, objectHeaderBytes = 8 + lengthSize;
  if (available < headerBytes) return "a global heap collection is cut short by the end of the file";
  unsigned char header[16];
  if (!read(0, static_cast<std::size_t>(headerBytes), header)) return "cannot read a global heap collection";
  const std::uint64_t size = littleEndian(header + 8, lengthSize);
  const std::string of = "a global heap collection of " + std::to_string(size) + " bytes";
  if (size < headerBytes) return of + " is smaller than its own header";
  if (size > available) return of + " runs past the end of the file";
  if (size > kMaxCollectionBytes) return of + " is implausibly large";

  Window window(read, size);
  for (std::uint64_t pos = headerBytes; size - pos >= objectHeaderBytes;) {
    const unsigned char* object = window.at(pos, static_cast<std::size_t>(objectHeaderBytes));
    if (!object) return "cannot read " + of;
    const auto index = static_cast<unsigned>(littleEndian(object, 2));
    const std::uint64_t objectSize = littleEndian(object + 8, lengthSize);
    // libhdf5 steps over an object by its header plus its padded size, over free space (index
    // 0) by the size alone, which includes the header.
    if (index == 0 && objectSize == 0) return of + " has free space of size 0 (libhdf5 would loop forever on it)";
    const std::uint64_t remaining = size - pos;
    const bool fits = index == 0 ? objectSize <= remaining
                                 : objectSize <= remaining - objectHeaderBytes &&
                                       objectHeaderBytes + ((objectSize + 7) & ~std::uint64_t{7}) <= remaining;
    if (!fits) return of + ": object " + std::to_string(index) + " claims " + std::to_string(objectSize) + " bytes, past its end";
    pos += index == 0 ? objectSize : objectHeaderBytes + ((objectSize + 7) & ~std::uint64_t{7});
  }
  return {};
}

}  // namespace graft::hdf5
