#include "formats/pytorch/pickle_value.h"

#include <bit>

namespace graft::pytorch {

std::string_view valueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::None: return "None";
    case ValueKind::Bool: return "bool";
    case ValueKind::Int: return "int";
    case ValueKind::BigInt: return "big int";
    case ValueKind::Float: return "float";
    case ValueKind::String: return "str";
    case ValueKind::Bytes: return "bytes";
    case ValueKind::Tuple: return "tuple";
    case ValueKind::List: return "list";
    case ValueKind::Dict: return "dict";
    case ValueKind::Set: return "set";
    case ValueKind::Global: return "global";
    case ValueKind::Storage: return "storage";
    case ValueKind::Tensor: return "tensor";
    case ValueKind::Object: return "object";
  }
  return "?";
}

std::uint64_t TensorView::elementCount() const {
  std::uint64_t n = 1;
  for (const std::uint64_t s : sizes) n *= s;  // checked against overflow when built
  return n;
}

bool TensorView::contiguous() const {
  std::uint64_t expected = 1;
  for (std::size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] != 1 && strides[i] != expected) return false;
    expected *= sizes[i];
  }
  return true;
}

Ref PickleData::push(ValueKind kind, std::uint32_t slot, std::int64_t integer) {
  if (values_.size() >= limits_.maxValues)
    throw PickleError("the pickle builds more than " + std::to_string(limits_.maxValues) + " objects");
  values_.push_back(Value{kind, slot, integer});
  return static_cast<Ref>(values_.size() - 1);
}

const PickleData::Value& PickleData::checked(Ref r, ValueKind a, ValueKind b) const {
  const Value& v = values_.at(r);
  if (v.kind != a && v.kind != b) throw PickleError(std::string("expected a ") + std::string(valueKindName(a)) + ", found a " + std::string(valueKindName(v.kind)));
  return v;
}

std::int64_t PickleData::integer(Ref r) const { return checked(r, ValueKind::Int, ValueKind::Bool).integer; }

double PickleData::real(Ref r) const { return std::bit_cast<double>(checked(r, ValueKind::Float).integer); }

const std::string& PickleData::text(Ref r) const {
  const Value& v = values_.at(r);
  if (v.kind != ValueKind::String && v.kind != ValueKind::Bytes && v.kind != ValueKind::Global)
    throw PickleError("expected a string, found a " + std::string(valueKindName(v.kind)));
  return texts_[v.slot];
}

std::span<const Ref> PickleData::items(Ref r) const {
  const Value& v = values_.at(r);
  switch (v.kind) {
    case ValueKind::Tuple:
    case ValueKind::List:
    case ValueKind::Dict:
    case ValueKind::Set: return sequences_[v.slot];
    default: throw PickleError("expected a container, found a " + std::string(valueKindName(v.kind)));
  }
}

std::vector<Ref>& PickleData::mutableItems(Ref r) {
  (void)items(r);  // checks the kind
  return sequences_[values_[r].slot];
}

const TensorView& PickleData::tensor(Ref r) const { return tensors_[checked(r, ValueKind::Tensor).slot]; }

const ObjectInfo& PickleData::object(Ref r) const { return objects_[checked(r, ValueKind::Object).slot]; }

ObjectInfo& PickleData::mutableObject(Ref r) { return objects_[checked(r, ValueKind::Object).slot]; }

std::uint32_t PickleData::storageIndex(Ref r) const { return checked(r, ValueKind::Storage).slot; }

Ref PickleData::add(ValueKind kind) {
  switch (kind) {
    case ValueKind::Tuple:
    case ValueKind::List:
    case ValueKind::Dict:
    case ValueKind::Set: return addItems(kind, {});
    default: return push(kind, 0, 0);
  }
}

Ref PickleData::addInteger(ValueKind kind, std::int64_t v) { return push(kind, 0, v); }

Ref PickleData::addFloat(double v) { return push(ValueKind::Float, 0, std::bit_cast<std::int64_t>(v)); }

Ref PickleData::addText(ValueKind kind, std::string text) {
  const Ref r = push(kind, static_cast<std::uint32_t>(texts_.size()), 0);
  texts_.push_back(std::move(text));
  return r;
}

Ref PickleData::addItems(ValueKind kind, std::vector<Ref> items) {
  const Ref r = push(kind, static_cast<std::uint32_t>(sequences_.size()), 0);
  sequences_.push_back(std::move(items));
  return r;
}

Ref PickleData::addTensor(TensorView view) {
  const Ref r = push(ValueKind::Tensor, static_cast<std::uint32_t>(tensors_.size()), 0);
  tensors_.push_back(std::move(view));
  return r;
}

Ref PickleData::addObject(ObjectInfo info) {
  const Ref r = push(ValueKind::Object, static_cast<std::uint32_t>(objects_.size()), 0);
  objects_.push_back(std::move(info));
  return r;
}

Ref PickleData::addStorage(StorageInfo info) {
  if (const auto it = storageByKey_.find(info.key); it != storageByKey_.end()) {
    const StorageInfo& s = storages_[it->second];
    if (s.typeName != info.typeName || s.byteSize != info.byteSize)
      throw PickleError("storage '" + info.key + "' is described twice, as " + s.typeName + " of " + std::to_string(s.byteSize) +
                        " bytes and as " + info.typeName + " of " + std::to_string(info.byteSize) + " bytes");
    return push(ValueKind::Storage, it->second, 0);
  }
  const auto slot = static_cast<std::uint32_t>(storages_.size());
  const Ref r = push(ValueKind::Storage, slot, 0);
  storageByKey_.emplace(info.key, slot);
  storages_.push_back(std::move(info));
  return r;
}

}  // namespace graft::pytorch
