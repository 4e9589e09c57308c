#include "formats/pytorch/torch_calls.h"

#include <array>
#include <vector>

#include "formats/pytorch/pickle_text.h"
#include "formats/pytorch/torch_types.h"

namespace graft::pytorch {
namespace {

constexpr std::string_view kRebuildTensor = "torch._utils._rebuild_tensor";
constexpr std::string_view kRebuildTensorV2 = "torch._utils._rebuild_tensor_v2";
constexpr std::string_view kRebuildTensorV3 = "torch._utils._rebuild_tensor_v3";
constexpr std::string_view kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr std::string_view kRebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";
constexpr std::string_view kRebuildFromType = "torch._tensor._rebuild_from_type_v2";

constexpr std::array<std::string_view, 17> kInterpreted = {
    kRebuildTensor, kRebuildTensorV2, kRebuildTensorV3, kRebuildParameter, kRebuildParameterWithState, kRebuildFromType,
    "collections.OrderedDict", "collections.Counter", "builtins.dict", "builtins.set", "builtins.frozenset",
    "builtins.bytearray", "_codecs.encode", "torch.Size",
    // Types _rebuild_from_type_v2 names for plain tensors and parameters.
    "torch.Tensor", "torch.nn.parameter.Parameter", "torch._tensor.Tensor",
};

Ref stub(PickleData& d, const std::string& global) { return d.addObject(ObjectInfo{global, std::nullopt}); }

std::uint64_t nonNegative(const PickleData& d, Ref r, const char* what) {
  if (d.kind(r) != ValueKind::Int || d.integer(r) < 0)
    throw PickleError(std::string("tensor rebuild: the ") + what + " is not a non-negative integer");
  return static_cast<std::uint64_t>(d.integer(r));
}

std::vector<std::uint64_t> dims(const PickleData& d, Ref r, const char* what) {
  if (d.kind(r) != ValueKind::Tuple && d.kind(r) != ValueKind::List)
    throw PickleError(std::string("tensor rebuild: the ") + what + " is not a tuple");
  const auto items = d.items(r);
  if (items.size() > d.limits().maxRank)
    throw PickleError("tensor rebuild: rank " + std::to_string(items.size()) + " exceeds " + std::to_string(d.limits().maxRank));
  std::vector<std::uint64_t> out;
  out.reserve(items.size());
  for (const Ref i : items) out.push_back(nonNegative(d, i, what));
  return out;
}

// _rebuild_tensor(storage, offset, size, stride), _v2(..., requires_grad, hooks[, metadata]),
// _v3(..., requires_grad, hooks, dtype[, metadata]).
Ref rebuildTensor(PickleData& d, const std::string& global, const std::vector<Ref>& a) {
  const bool v3 = global == kRebuildTensorV3;
  if (a.size() < (v3 ? 7u : 4u) || a.size() > (v3 ? 8u : 7u))
    throw PickleError("tensor rebuild: " + global + " with " + std::to_string(a.size()) + " arguments");
  if (d.kind(a[0]) != ValueKind::Storage) throw PickleError("tensor rebuild: the first argument is not a storage");
  TensorView t;
  t.storage = d.storageIndex(a[0]);
  const StorageInfo& storage = d.storages()[t.storage];
  t.offset = nonNegative(d, a[1], "storage offset");
  t.sizes = dims(d, a[2], "size");
  t.strides = dims(d, a[3], "stride");
  if (t.sizes.size() != t.strides.size()) throw PickleError("tensor rebuild: size and stride differ in rank");
  if (v3) {
    const auto dtype = d.kind(a[6]) == ValueKind::Global ? torchDtype(d.text(a[6])) : std::nullopt;
    if (!dtype) {
      const std::string name = d.kind(a[6]) == ValueKind::Global ? d.text(a[6]) : std::string("an unnamed dtype");
      d.noteStubbed("tensors of " + name);
      return stub(d, "tensor of " + name);
    }
    t.dtype = *dtype;
  } else {
    if (!storage.dtype) {
      d.noteStubbed("tensors of " + storage.typeName);
      return stub(d, "tensor of " + storage.typeName);
    }
    t.dtype = *storage.dtype;
  }
  const std::uint64_t elementSize = dtypeSize(t.dtype);
  std::uint64_t count = 1;
  for (const std::uint64_t s : t.sizes)
    if (__builtin_mul_overflow(count, s, &count)) throw PickleError("tensor rebuild: the element count overflows");
  if (count > 0) {
    std::uint64_t last = t.offset, bytes = 0;
    for (std::size_t i = 0; i < t.sizes.size(); ++i) {
      std::uint64_t step = 0;
      if (__builtin_mul_overflow(t.sizes[i] - 1, t.strides[i], &step) || __builtin_add_overflow(last, step, &last))
        throw PickleError("tensor rebuild: the strides overflow");
    }
    if (__builtin_add_overflow(last, 1, &last) || __builtin_mul_overflow(last, elementSize, &bytes) || bytes > storage.byteSize)
      throw PickleError("tensor rebuild: the tensor reaches past the end of storage '" + storage.key + "' (" +
                        std::to_string(storage.byteSize) + " bytes)");
  }
  return d.addTensor(std::move(t));
}

// OrderedDict(), OrderedDict([(k, v), ...]), dict(...), Counter(...).
Ref makeDict(PickleData& d, const std::string& global, const std::vector<Ref>& a) {
  if (a.empty()) return d.add(ValueKind::Dict);
  if (a.size() != 1) return stub(d, global);
  if (d.kind(a[0]) == ValueKind::Dict) {
    const auto items = d.items(a[0]);
    return d.addItems(ValueKind::Dict, std::vector<Ref>(items.begin(), items.end()));
  }
  if (d.kind(a[0]) != ValueKind::List && d.kind(a[0]) != ValueKind::Tuple) return stub(d, global);
  std::vector<Ref> flat;
  for (const Ref pair : d.items(a[0])) {
    if (d.kind(pair) != ValueKind::Tuple || d.items(pair).size() != 2) return stub(d, global);
    flat.push_back(d.items(pair)[0]);
    flat.push_back(d.items(pair)[1]);
  }
  return d.addItems(ValueKind::Dict, std::move(flat));
}

// _codecs.encode(text, "latin1"): how protocol 2 pickles Python 3 bytes.
Ref encode(PickleData& d, const std::string& global, const std::vector<Ref>& a) {
  if (a.empty() || a.size() > 2 || d.kind(a[0]) != ValueKind::String) return stub(d, global);
  const std::string encoding = a.size() == 2 && d.kind(a[1]) == ValueKind::String ? d.text(a[1]) : std::string("utf-8");
  if (encoding == "utf-8" || encoding == "utf8") return d.addText(ValueKind::Bytes, d.text(a[0]));
  if (encoding != "latin1" && encoding != "latin-1" && encoding != "iso-8859-1") return stub(d, global);
  auto bytes = latin1Bytes(d.text(a[0]));
  if (!bytes) throw PickleError("_codecs.encode: text that latin-1 cannot encode");
  return d.addText(ValueKind::Bytes, std::move(*bytes));
}

Ref makeSet(PickleData& d, const std::string& global, const std::vector<Ref>& a) {
  if (a.empty()) return d.add(ValueKind::Set);
  const ValueKind k = d.kind(a[0]);
  if (a.size() != 1 || (k != ValueKind::List && k != ValueKind::Tuple && k != ValueKind::Set)) return stub(d, global);
  const auto items = d.items(a[0]);
  return d.addItems(ValueKind::Set, std::vector<Ref>(items.begin(), items.end()));
}

}  // namespace

bool isInterpretedGlobal(std::string_view global) {
  for (const auto g : kInterpreted)
    if (g == global) return true;
  return isStorageClass(global) || torchDtype(global).has_value();
}

Ref interpretCall(PickleData& d, const std::string& global, Ref args) {
  if (d.kind(args) != ValueKind::Tuple) return stub(d, global);
  const auto span = d.items(args);
  const std::vector<Ref> a(span.begin(), span.end());  // adding values below may move the arena
  if (global == kRebuildTensor || global == kRebuildTensorV2 || global == kRebuildTensorV3) return rebuildTensor(d, global, a);
  if (global == kRebuildParameter || global == kRebuildParameterWithState) {
    // A Parameter is its data tensor; requires_grad and hooks do not matter here.
    if (!a.empty() && d.kind(a[0]) == ValueKind::Tensor) return a[0];
    return stub(d, global);
  }
  if (global == kRebuildFromType) {
    // (func, type, args, state): a tensor subclass rebuilt by func(*args); one level only.
    if (a.size() == 4 && d.kind(a[0]) == ValueKind::Global && d.text(a[0]) != kRebuildFromType && isInterpretedGlobal(d.text(a[0])))
      return interpretCall(d, d.text(a[0]), a[2]);
    return stub(d, global);
  }
  if (global == "collections.OrderedDict" || global == "builtins.dict" || global == "collections.Counter") return makeDict(d, global, a);
  if (global == "_codecs.encode") return encode(d, global, a);
  if (global == "builtins.set" || global == "builtins.frozenset") return makeSet(d, global, a);
  if (global == "builtins.bytearray") {
    if (a.empty()) return d.addText(ValueKind::Bytes, {});
    if (a.size() == 1 && d.kind(a[0]) == ValueKind::Bytes) return d.addText(ValueKind::Bytes, d.text(a[0]));
    return encode(d, global, a);
  }
  // copyreg._reconstructor(cls, base, state): how protocol 2 pickles plain objects (nn.Module).
  if (global == "copyreg._reconstructor" && !a.empty() && d.kind(a[0]) == ValueKind::Global) return stub(d, d.text(a[0]));
  if (global == "torch.Size" && a.size() == 1 && d.kind(a[0]) == ValueKind::Tuple) return a[0];
  return stub(d, global);
}

}  // namespace graft::pytorch
