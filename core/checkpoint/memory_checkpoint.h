#pragma once
// Builds a Checkpoint whose tensors live in memory, laid out the way the Keras 2 reader lays
// out a file (keys "<layer>/<layer>/<weight>", tree paths "<layer>/<weight>"), so writers,
// the matcher and the window treat it like an opened Keras file. For demos and tests.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "checkpoint/tree_builder.h"

namespace graft {

class MemoryCheckpointBuilder {
 public:
  // Adds variables to one top-level layer; returned by layer() and chainable.
  class LayerBuilder {
   public:
    // A float32 tensor; values row-major, as many as the shape holds.
    LayerBuilder& variable(const std::string& weight, Shape shape, std::vector<float> values);
    // Any dtype: bytes little-endian row-major, as many as the shape and dtype take.
    LayerBuilder& variable(const std::string& weight, DType dtype, Shape shape, std::vector<std::byte> bytes);

   private:
    friend class MemoryCheckpointBuilder;
    LayerBuilder(MemoryCheckpointBuilder& owner, Node& layer) : owner_(&owner), layer_(&layer) {}
    MemoryCheckpointBuilder* owner_;
    Node* layer_;
  };

  // formatId is what the checkpoint reports as its format ("memory" unless it imitates one).
  explicit MemoryCheckpointBuilder(std::string formatId = "memory");

  // The top-level layer `name` (created on first use, in call order); a layer that never gets
  // variables stays in the tree as a weightless layer (MaxPooling2D, Flatten, Dropout).
  LayerBuilder layer(const std::string& name, const std::string& layerClass = {});

  // File-level facts a writer keeps (Keras 2: layout, keras_version, backend, model_config).
  void setFormatAttribute(std::string key, std::string value);
  // Facts shown to the user.
  void setMetadata(std::string key, std::string value);
  void setFramework(std::string framework);

  // The checkpoint; `label` stands where a file path would (no file backs it). The builder
  // is empty afterwards.
  std::unique_ptr<Checkpoint> build(const std::filesystem::path& label);

 private:
  using Bytes = std::vector<std::byte>;
  void addVariable(Node& layer, const std::string& weight, DType dtype, Shape shape, Bytes bytes);

  std::string formatId_;
  TreeBuilder tree_;
  std::unordered_map<std::string, std::shared_ptr<const Bytes>> bytesByKey_;
  CheckpointMetadata formatAttributes_;
  CheckpointMetadata metadata_;
  std::string framework_;
};

}  // namespace graft
