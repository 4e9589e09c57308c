#pragma once
// The protobuf messages of a TensorBundle (checkpoint-formats.md §2.3, §2.4, §2.10), decoded
// and encoded by hand with wire.h. Unknown fields are skipped on read. Encoding emits fields
// in field-number order and omits proto3 defaults, as TensorFlow's C++ serializer does, so a
// decoded message re-encodes to the same bytes when TF wrote it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace graft::tfbundle {

struct VersionDef {
  std::int32_t producer = 0;
  std::int32_t minConsumer = 0;
  std::vector<std::int32_t> badConsumers;
};

struct BundleHeader {
  std::int32_t numShards = 0;
  std::int32_t endianness = 0;  // 0 little, 1 big
  std::optional<VersionDef> version;
};

struct SliceExtent {
  std::int64_t start = 0;
  std::optional<std::int64_t> length;  // absent = the whole dimension
};

struct BundleEntry {
  std::int32_t dtype = 0;             // TF DataType enum value (§2.5)
  std::vector<std::int64_t> shape;    // dims, outermost first
  bool unknownRank = false;
  std::int32_t shardId = 0;
  std::int64_t offset = 0;
  std::int64_t size = 0;
  std::uint32_t crc32c = 0;           // masked
  std::vector<std::vector<SliceExtent>> slices;  // one extent list per stored slice
};

// TrackableObjectGraph (tensorflow/core/protobuf/trackable_object_graph.proto).
struct ObjectReference {
  std::int32_t nodeId = 0;
  std::string localName;
};
struct SerializedTensor {
  std::string name;           // "VARIABLE_VALUE"
  std::string fullName;       // TF1-style name
  std::string checkpointKey;  // key in the .index
};
struct SlotVariableReference {
  std::int32_t originalVariableNodeId = 0;
  std::string slotName;
  std::int32_t slotVariableNodeId = 0;
};
struct TrackableObject {
  std::vector<ObjectReference> children;
  std::vector<SerializedTensor> attributes;
  std::vector<SlotVariableReference> slotVariables;
  // Fields 4 (registered_saver), 5 (has_checkpoint_values) and any unknown ones, kept as raw
  // wire bytes (key + value) in their original order so re-encoding keeps them.
  std::string otherFields;
};
struct TrackableObjectGraph {
  std::vector<TrackableObject> nodes;
  // Serializer field order, kept so a decoded graph re-encodes to its own bytes. TF's C++
  // writes fields in number order (false). Some Python-written graphs (seen in a TF 2.14
  // SavedModel, likely protobuf's upb runtime) put ObjectReference.local_name before node_id;
  // true then, and SlotVariableReference.slot_name is assumed to go first likewise.
  bool stringFieldsFirst = false;
};

// Decoders throw WireError (wire.h) on malformed input.
BundleHeader decodeHeader(std::string_view bytes);
BundleEntry decodeEntry(std::string_view bytes);
TrackableObjectGraph decodeObjectGraph(std::string_view bytes);

std::string encodeHeader(const BundleHeader& header);
std::string encodeEntry(const BundleEntry& entry);
std::string encodeObjectGraph(const TrackableObjectGraph& graph);

}  // namespace graft::tfbundle
