#include "checkpoint/memory_checkpoint.h"

#include <bit>
#include <cstdint>
#include <cstring>

#include "io/error.h"

namespace graft {
namespace {

using Bytes = std::vector<std::byte>;

// Float values are copied as they lie in memory, which is the little-endian byte order
// TensorStream promises only on a little-endian machine.
static_assert(std::endian::native == std::endian::little, "MemoryCheckpointBuilder assumes a little-endian host");

class MemoryTensorStream final : public TensorStream {
 public:
  MemoryTensorStream(std::filesystem::path label, std::string key, std::shared_ptr<const Bytes> bytes)
      : label_(std::move(label)), key_(std::move(key)), bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_->size(); }
  void read(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset > bytes_->size() || out.size() > bytes_->size() - offset)
      throw fileError(label_, "'" + key_ + "': read past the end of the tensor");
    if (!out.empty()) std::memcpy(out.data(), bytes_->data() + offset, out.size());
  }

 private:
  std::filesystem::path label_;
  std::string key_;
  std::shared_ptr<const Bytes> bytes_;
};

class MemoryTensorStorage final : public TensorStorage {
 public:
  MemoryTensorStorage(std::filesystem::path label, std::unordered_map<std::string, std::shared_ptr<const Bytes>> bytesByKey)
      : label_(std::move(label)), bytesByKey_(std::move(bytesByKey)) {}
  std::unique_ptr<TensorStream> open(const TensorInfo& tensor) const override {
    const auto it = bytesByKey_.find(tensor.key);
    if (it == bytesByKey_.end()) throw fileError(label_, "no tensor '" + tensor.key + "'");
    return std::make_unique<MemoryTensorStream>(label_, tensor.key, it->second);
  }

 private:
  std::filesystem::path label_;
  std::unordered_map<std::string, std::shared_ptr<const Bytes>> bytesByKey_;
};

}  // namespace

MemoryCheckpointBuilder::LayerBuilder& MemoryCheckpointBuilder::LayerBuilder::variable(const std::string& weight, Shape shape,
                                                                                       std::vector<float> values) {
  Bytes bytes(values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  owner_->addVariable(*layer_, weight, DType::Float32, std::move(shape), std::move(bytes));
  return *this;
}

MemoryCheckpointBuilder::LayerBuilder& MemoryCheckpointBuilder::LayerBuilder::variable(const std::string& weight, DType dtype,
                                                                                       Shape shape, std::vector<std::byte> bytes) {
  owner_->addVariable(*layer_, weight, dtype, std::move(shape), std::move(bytes));
  return *this;
}

MemoryCheckpointBuilder::MemoryCheckpointBuilder(std::string formatId) : formatId_(std::move(formatId)) {}

MemoryCheckpointBuilder::LayerBuilder MemoryCheckpointBuilder::layer(const std::string& name, const std::string& layerClass) {
  if (name.empty() || name.find('/') != std::string::npos)
    throw Error("memory checkpoint: layer name '" + name + "' must be one non-empty path component");
  Node& node = tree_.child(tree_.root(), name, NodeKind::Layer, NodeRole::Weights);
  if (node.kind() != NodeKind::Layer) throw Error("memory checkpoint: '" + name + "' is not a layer");
  if (!layerClass.empty()) node.setLayerClass(layerClass);
  return LayerBuilder(*this, node);
}

void MemoryCheckpointBuilder::addVariable(Node& layer, const std::string& weight, DType dtype, Shape shape, Bytes bytes) {
  // Keras 2 repeats the layer name in the key; the tree shows it once (as the reader does).
  const std::string key = layer.name() + "/" + layer.name() + "/" + weight;
  auto parts = splitPath(weight);
  if (parts.empty()) throw Error("memory checkpoint: empty weight name in layer '" + layer.name() + "'");
  const auto elements = shape.elementCount();
  if (!elements || dtypeSize(dtype) == 0 || *elements > UINT64_MAX / dtypeSize(dtype))
    throw Error("memory checkpoint: '" + key + "' has no fixed byte size");
  const std::uint64_t byteSize = *elements * dtypeSize(dtype);
  if (bytes.size() != byteSize)
    throw Error("memory checkpoint: '" + key + "' has " + std::to_string(bytes.size()) + " bytes but " + shape.toString() + " " +
                std::string(dtypeName(dtype)) + " takes " + std::to_string(byteSize));
  TensorInfo info;
  info.key = key;
  info.dtype = dtype;
  info.shape = std::move(shape);
  info.elementCount = *elements;
  info.byteSize = byteSize;
  const std::string leaf = parts.back();
  parts.pop_back();
  tree_.variable(tree_.groups(layer, parts, NodeRole::Weights), leaf, std::move(info), NodeRole::Weights);
  bytesByKey_[key] = std::make_shared<const Bytes>(std::move(bytes));
}

void MemoryCheckpointBuilder::setFormatAttribute(std::string key, std::string value) {
  formatAttributes_.set(std::move(key), std::move(value));
}

void MemoryCheckpointBuilder::setMetadata(std::string key, std::string value) { metadata_.set(std::move(key), std::move(value)); }

void MemoryCheckpointBuilder::setFramework(std::string framework) { framework_ = std::move(framework); }

std::unique_ptr<Checkpoint> MemoryCheckpointBuilder::build(const std::filesystem::path& label) {
  auto storage = std::make_shared<MemoryTensorStorage>(label, std::move(bytesByKey_));
  auto checkpoint = std::make_unique<Checkpoint>(formatId_, label, tree_.take(), std::move(storage));
  checkpoint->setFiles({});  // no file backs it, so no output can collide with it
  checkpoint->metadata() = std::move(metadata_);
  checkpoint->formatAttributes() = std::move(formatAttributes_);
  checkpoint->setFramework(std::move(framework_));
  tree_.reset();
  bytesByKey_.clear();
  metadata_ = {};
  formatAttributes_ = {};
  framework_.clear();
  return checkpoint;
}

}  // namespace graft
