#pragma once
// The inert values a restricted unpickle produces (checkpoint-formats.md §6.5): plain data,
// storage and tensor references, and placeholders for everything else. Values live in one
// arena and name each other by index, so hostile nesting or reference cycles cannot overflow
// the stack when the values are destroyed, and walkers can keep a visited set.

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/error.h"
#include "types/dtype.h"

namespace graft::pytorch {

// Malformed or hostile pickle input; the format adds the file name.
class PickleError : public Error {
 public:
  using Error::Error;
};

using Ref = std::uint32_t;

enum class ValueKind : std::uint8_t {
  None, Bool, Int,
  BigInt,  // an integer beyond int64 (its value is not kept)
  Float, String, Bytes,
  Tuple, List, Dict, Set,
  Global,   // a class or function named by the pickle; never imported
  Storage,  // a persistent-id storage reference
  Tensor,
  Object,   // what an unsupported call or class would have built; never executed
};

std::string_view valueKindName(ValueKind kind);

struct StorageInfo {
  std::string key;             // the member "<prefix>/data/<key>"
  std::string location;        // "cpu", "cuda:0": ignored, the bytes are host bytes
  std::string typeName;        // "torch.FloatStorage"
  std::optional<DType> dtype;  // of a typed storage; nullopt for UntypedStorage or a class Graft has no type for
  std::uint64_t byteSize = 0;
};

// A tensor as _rebuild_tensor_v2 describes it: a strided view of a storage (elements).
struct TensorView {
  std::uint32_t storage = 0;  // index into PickleData::storages()
  DType dtype = DType::Float32;
  std::uint64_t offset = 0;
  std::vector<std::uint64_t> sizes, strides;

  std::uint64_t elementCount() const;
  // Row-major strides for its sizes (dimensions of size 1 may have any stride).
  bool contiguous() const;
};

struct ObjectInfo {
  std::string typeName;      // the global that would have built it ("numpy.dtype")
  std::optional<Ref> state;  // what BUILD would have applied (an nn.Module's __dict__)
};

struct PickleLimits {
  std::size_t maxValues = std::size_t{1} << 24;  // ~15 values per tensor: a million-tensor state dict fits
  std::size_t maxStack = std::size_t{1} << 22;
  std::size_t maxMarks = 4096;                   // state dicts nest a handful of marks
  std::size_t maxMemo = std::size_t{1} << 24;
  std::size_t maxRank = 64;
};

class PickleData {
 public:
  explicit PickleData(const PickleLimits& limits = {}) : limits_(limits) {}

  Ref root() const { return root_; }
  int protocol() const { return protocol_; }
  std::size_t size() const { return values_.size(); }
  ValueKind kind(Ref r) const { return values_.at(r).kind; }
  std::int64_t integer(Ref r) const;      // Int or Bool
  double real(Ref r) const;               // Float
  const std::string& text(Ref r) const;   // String, Bytes, Global ("module.name")
  std::span<const Ref> items(Ref r) const;  // Tuple, List, Set; Dict: key, value, key, value, ...
  const TensorView& tensor(Ref r) const;
  const ObjectInfo& object(Ref r) const;
  std::uint32_t storageIndex(Ref r) const;  // a Storage value's index into storages()
  const std::vector<StorageInfo>& storages() const { return storages_; }
  // Globals the pickle names that are not interpreted (stubbed, never imported), sorted.
  const std::set<std::string>& stubbedGlobals() const { return stubbed_; }

  // Building, for the unpickler and the interpreted calls. Every add counts against
  // PickleLimits::maxValues.
  Ref add(ValueKind kind);  // None, and empty Tuple/List/Dict/Set
  Ref addInteger(ValueKind kind, std::int64_t v);  // Int or Bool
  Ref addFloat(double v);
  Ref addText(ValueKind kind, std::string text);  // String, Bytes, Global
  Ref addItems(ValueKind kind, std::vector<Ref> items);
  Ref addTensor(TensorView view);
  Ref addObject(ObjectInfo info);
  // The storage with this key (one per key; a second description must agree with the first).
  Ref addStorage(StorageInfo info);
  std::vector<Ref>& mutableItems(Ref r);
  ObjectInfo& mutableObject(Ref r);
  void setRoot(Ref r) { root_ = r; }
  void setProtocol(int p) { protocol_ = p; }
  void noteStubbed(std::string global) { stubbed_.insert(std::move(global)); }
  const PickleLimits& limits() const { return limits_; }

 private:
  struct Value {
    ValueKind kind;
    std::uint32_t slot;    // index into the side table of its kind
    std::int64_t integer;  // Int/Bool value, Float bits
  };
  Ref push(ValueKind kind, std::uint32_t slot, std::int64_t integer);
  const Value& checked(Ref r, ValueKind a, ValueKind b = ValueKind::None) const;

  PickleLimits limits_;
  std::vector<Value> values_;
  std::vector<std::string> texts_;
  std::vector<std::vector<Ref>> sequences_;
  std::vector<TensorView> tensors_;
  std::vector<ObjectInfo> objects_;
  std::vector<StorageInfo> storages_;
  std::unordered_map<std::string, std::uint32_t> storageByKey_;
  std::set<std::string> stubbed_;
  Ref root_ = 0;
  int protocol_ = 0;
};

}  // namespace graft::pytorch
