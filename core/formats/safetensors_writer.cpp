#include "formats/safetensors_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "formats/safetensors_format.h"
#include "io/error.h"
#include "io/write_at.h"

namespace graft {
namespace {

namespace fs = std::filesystem;

// A JSON string as serde_json writes it (compact; non-ASCII UTF-8 kept as is).
std::string quoted(const std::string& s) {
  try {
    return nlohmann::json(s).dump();
  } catch (const nlohmann::json::exception&) {
    throw Error("'" + s + "' is not valid UTF-8, which safetensors names must be");
  }
}

// `__metadata__` as the output keeps it: verbatim from a safetensors model, none when that
// model had none, else {"format":"pt"} (transformers expects it, §5.6).
std::optional<std::string> metadataOf(const OutputLayout& layout) {
  if (layout.model && layout.model->formatId() == "safetensors") {
    const auto& attrs = layout.model->formatAttributes();
    if (!attrs.has(safetensors::kMetadataAttribute)) return std::nullopt;
    // Re-serialised compactly, members in the original file's order.
    const auto meta = nlohmann::ordered_json::parse(attrs.get(safetensors::kMetadataAttribute));
    std::string out = "{";
    for (const auto& [k, v] : meta.items()) {
      if (out.size() > 1) out += ',';
      out += quoted(k) + ":" + quoted(v.get<std::string>());
    }
    return out + "}";
  }
  return std::string(R"({"format":"pt"})");
}

class FileSink final : public TensorSink {
 public:
  FileSink(const fs::path& file, int fd, SafetensorsWriter::Slot& slot) : file_(file), fd_(fd), slot_(slot) {}
  void write(std::span<const std::byte> bytes) override {
    if (bytes.size() > slot_.size - slot_.written) throw fileError(file_, "more bytes than tensor '" + slot_.key + "' holds");
    writeAt(file_, fd_, bytes, slot_.offset + slot_.written);
    slot_.written += bytes.size();
  }
  std::optional<FileExtent> extent() const override { return FileExtent{fd_, slot_.offset, std::nullopt, std::nullopt}; }
  void copiedFrom(const FileExtent&, std::uint64_t bytes) override {
    if (slot_.written != 0 || bytes != slot_.size) throw fileError(file_, "tensor '" + slot_.key + "' copied in part");
    slot_.written = bytes;
  }

 private:
  fs::path file_;
  int fd_;
  SafetensorsWriter::Slot& slot_;
};

}  // namespace

SafetensorsWriter::~SafetensorsWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void SafetensorsWriter::create(const fs::path& file, const OutputLayout& layout) {
  file_ = file;
  const std::size_t n = layout.tensors.size();
  std::set<std::string> keys;
  for (const auto& t : layout.tensors) {
    if (!keys.insert(t.key).second) throw fileError(file, "two tensors named '" + t.key + "' in the output");
    if (t.key == "__metadata__") throw fileError(file, "a safetensors tensor cannot be named __metadata__");
    if (!safetensors::dtypeString(t.dtype))
      throw fileError(file, "tensor '" + t.key + "' is " + std::string(dtypeName(t.dtype)) + ", which safetensors cannot hold");
    const auto elements = t.shape.elementCount();
    if (!elements || *elements * dtypeSize(t.dtype) != t.byteSize)
      throw fileError(file, "tensor '" + t.key + "': size does not match its shape and dtype");
  }
  // The reference writer's order: dtype (enum order, descending), then name.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const int ra = safetensors::writerRank(layout.tensors[a].dtype), rb = safetensors::writerRank(layout.tensors[b].dtype);
    return ra != rb ? ra < rb : layout.tensors[a].key < layout.tensors[b].key;
  });
  std::string header = "{";
  if (const auto meta = metadataOf(layout)) header += "\"__metadata__\":" + *meta;
  std::vector<std::uint64_t> relative(n);
  std::uint64_t data = 0;
  for (const std::size_t i : order) {
    const OutputTensor& t = layout.tensors[i];
    relative[i] = data;
    if (header.size() > 1) header += ',';
    header += quoted(t.key) + R"(:{"dtype":")" + std::string(*safetensors::dtypeString(t.dtype)) + R"(","shape":[)";
    for (std::size_t d = 0; d < t.shape.dims().size(); ++d) header += (d ? "," : "") + std::to_string(t.shape.dims()[d]);
    header += R"(],"data_offsets":[)" + std::to_string(data) + "," + std::to_string(data + t.byteSize) + "]}";
    data += t.byteSize;
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' ');
  const std::uint64_t dataStart = 8 + header.size();
  slots_.resize(n);
  for (std::size_t i = 0; i < n; ++i) slots_[i] = Slot{layout.tensors[i].key, dataStart + relative[i], layout.tensors[i].byteSize, 0};

  fd_ = openForWriting(file);
  std::string prefix(8, '\0');
  for (int b = 0; b < 8; ++b) prefix[static_cast<std::size_t>(b)] = static_cast<char>((header.size() >> (8 * b)) & 0xff);
  prefix += header;
  writeAt(file, fd_, std::as_bytes(std::span<const char>(prefix.data(), prefix.size())), 0);
  if (::ftruncate(fd_, static_cast<off_t>(dataStart + data)) != 0)
    throw fileError(file, std::string("cannot size the file: ") + std::strerror(errno));
}

std::unique_ptr<TensorSink> SafetensorsWriter::tensor(std::size_t index) {
  return std::make_unique<FileSink>(file_, fd_, slots_.at(index));
}

void SafetensorsWriter::finish() {
  for (const Slot& s : slots_)
    if (s.written != s.size) throw fileError(file_, "tensor '" + s.key + "' was not written in full");
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw fileError(file_, std::string("write failed: ") + std::strerror(errno));
}

}  // namespace graft
