#include "formats/pytorch_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_set>

#include "formats/pytorch/pickle_text.h"
#include "formats/pytorch/pickle_writer.h"
#include "formats/pytorch/torch_types.h"
#include "io/error.h"
#include "io/write_at.h"

namespace graft {
namespace {

namespace fs = std::filesystem;
using namespace pytorch;

constexpr const char* kPrefix = "archive/";
constexpr std::size_t kFixedRecords = 2;  // data.pkl and byteorder come before the storages
constexpr std::size_t kCrcChunk = 1u << 20;

class MemberSink final : public TensorSink {
 public:
  MemberSink(const fs::path& file, int fd, PytorchWriter::Slot& slot) : file_(file), fd_(fd), slot_(slot) {}
  void write(std::span<const std::byte> bytes) override {
    if (bytes.size() > slot_.entry->size - slot_.written) throw fileError(file_, "more bytes than tensor '" + slot_.key + "' holds");
    writeAt(file_, fd_, bytes, slot_.entry->dataOffset + slot_.written);
    slot_.crc = crc32Update(slot_.crc, bytes.data(), bytes.size());
    slot_.written += bytes.size();
  }
  std::optional<FileExtent> extent() const override { return FileExtent{fd_, slot_.entry->dataOffset, std::nullopt, std::nullopt}; }
  // The bytes arrived kernel-side: the source zip's CRC-32 of them when it has one (a PyTorch
  // storage copied whole), else read them back in chunks for it.
  void copiedFrom(const FileExtent& source, std::uint64_t bytes) override {
    if (slot_.written != 0 || bytes != slot_.entry->size) throw fileError(file_, "tensor '" + slot_.key + "' copied in part");
    if (source.zipCrc32) {
      slot_.crc = *source.zipCrc32;
      slot_.written = bytes;
      return;
    }
    std::vector<std::byte> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(bytes, kCrcChunk)));
    for (std::uint64_t done = 0; done < bytes;) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(bytes - done, buffer.size()));
      const ssize_t n = ::pread(fd_, buffer.data(), want, static_cast<off_t>(slot_.entry->dataOffset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw fileError(file_, std::string("cannot read back tensor '") + slot_.key + "': " + (n < 0 ? std::strerror(errno) : "short file"));
      slot_.crc = crc32Update(slot_.crc, buffer.data(), static_cast<std::uint64_t>(n));
      done += static_cast<std::uint64_t>(n);
    }
    slot_.written = bytes;
  }

 private:
  fs::path file_;
  int fd_;
  PytorchWriter::Slot& slot_;
};

std::uint32_t crcOf(const std::string& s) { return crc32Update(0, s.data(), s.size()); }

}  // namespace

PytorchWriter::~PytorchWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void PytorchWriter::create(const fs::path& file, const OutputLayout& layout) {
  file_ = file;
  std::unordered_set<std::string> keys;
  std::vector<PickledTensor> pickled;
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) {
    const OutputTensor& t = layout.tensors[i];
    if (!keys.insert(t.key).second) throw fileError(file, "two tensors named '" + t.key + "' in the output");
    if (!isValidUtf8(t.key)) throw fileError(file, "tensor name '" + t.key + "' is not valid UTF-8, which PyTorch keys must be");
    const auto storageClass = storageClassName(t.dtype);
    if (!storageClass)
      throw fileError(file, "tensor '" + t.key + "' is " + std::string(dtypeName(t.dtype)) +
                                ", which Graft cannot write to a PyTorch checkpoint (no legacy storage class holds it)");
    const auto elements = t.shape.elementCount();
    if (!elements || *elements * dtypeSize(t.dtype) != t.byteSize)
      throw fileError(file, "tensor '" + t.key + "': size does not match its shape and dtype");
    pickled.push_back({t.key, *storageClass, std::vector<std::uint64_t>(t.shape.dims().begin(), t.shape.dims().end()), std::to_string(i)});
  }
  const std::string pickle = stateDictPickle(pickled);
  const std::string byteorder = "little", version = "3\n";

  entries_.clear();
  entries_.push_back({std::string(kPrefix) + "data.pkl", pickle.size()});
  entries_.push_back({std::string(kPrefix) + "byteorder", byteorder.size()});
  for (std::size_t i = 0; i < layout.tensors.size(); ++i)
    entries_.push_back({std::string(kPrefix) + "data/" + std::to_string(i), layout.tensors[i].byteSize});
  entries_.push_back({std::string(kPrefix) + "version", version.size()});
  directoryOffset_ = layOutStoredZip(entries_, forceZip64_);
  slots_.clear();
  for (std::size_t i = 0; i < layout.tensors.size(); ++i) slots_.push_back(Slot{layout.tensors[i].key, &entries_[kFixedRecords + i], 0, 0});

  fd_ = openForWriting(file);
  auto record = [&](StoredZipEntry& e, const std::string& bytes) {
    writeAt(file, fd_, bytes, e.dataOffset);
    e.crc32 = crcOf(bytes);
  };
  record(entries_[0], pickle);
  record(entries_[1], byteorder);
  record(entries_.back(), version);
}

std::unique_ptr<TensorSink> PytorchWriter::tensor(std::size_t index) {
  return std::make_unique<MemberSink>(file_, fd_, slots_.at(index));
}

void PytorchWriter::finish() {
  for (Slot& s : slots_) {
    if (s.written != s.entry->size) throw fileError(file_, "tensor '" + s.key + "' was not written in full");
    s.entry->crc32 = s.crc;
  }
  writeStoredZipDirectory(file_, fd_, entries_, directoryOffset_, forceZip64_);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw fileError(file_, std::string("write failed: ") + std::strerror(errno));
}

}  // namespace graft
