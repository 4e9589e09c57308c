#include "formats/pytorch/state_dict_walk.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_set>

#include "formats/pytorch/pickle_text.h"

namespace graft::pytorch {
namespace {

constexpr std::size_t kMaxScalars = 32;
constexpr std::size_t kMaxScalarText = 120;

struct Pending {
  Ref value;
  std::string key;
  NodeRole role;
  std::size_t depth;
};

std::string numberText(double v) {
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? std::string(buf.data(), end) : std::string("?");
}

// A dict key as a name component.
std::string keyText(const PickleData& d, Ref k) {
  switch (d.kind(k)) {
    case ValueKind::String: return d.text(k);
    case ValueKind::Bytes: return latin1ToUtf8(d.text(k));
    case ValueKind::Int: return std::to_string(d.integer(k));
    case ValueKind::Bool: return d.integer(k) ? "True" : "False";
    case ValueKind::None: return "None";
    case ValueKind::Float: return numberText(d.real(k));
    default: return "<" + std::string(valueKindName(d.kind(k))) + ">";
  }
}

// Scalar text for metadata; empty for values that are not plain scalars.
std::string scalarText(const PickleData& d, Ref v) {
  switch (d.kind(v)) {
    case ValueKind::Int: return std::to_string(d.integer(v));
    case ValueKind::Bool: return d.integer(v) ? "True" : "False";
    case ValueKind::Float: return numberText(d.real(v));
    case ValueKind::String: return d.text(v).size() <= kMaxScalarText ? d.text(v) : std::string();
    default: return {};
  }
}

// The value of string key `name` in dict `dict`, if any.
std::optional<Ref> member(const PickleData& d, Ref dict, std::string_view name) {
  const auto items = d.items(dict);
  for (std::size_t i = 0; i + 1 < items.size(); i += 2)
    if (d.kind(items[i]) == ValueKind::String && d.text(items[i]) == name) return items[i + 1];
  return std::nullopt;
}

// An nn.Module's state (its __dict__ as BUILD would set it): a dict with `_parameters`.
std::optional<Ref> moduleState(const PickleData& d, Ref object) {
  const auto state = d.object(object).state;
  if (!state || d.kind(*state) != ValueKind::Dict || !member(d, *state, "_parameters")) return std::nullopt;
  return state;
}

// (name, value) children of a module in state_dict() order.
std::vector<std::pair<std::string, Ref>> moduleChildren(const PickleData& d, Ref state) {
  std::vector<std::pair<std::string, Ref>> out;
  std::unordered_set<std::string> nonPersistent;
  if (const auto set = member(d, state, "_non_persistent_buffers_set"); set && d.kind(*set) == ValueKind::Set)
    for (const Ref name : d.items(*set))
      if (d.kind(name) == ValueKind::String) nonPersistent.insert(d.text(name));
  for (const char* field : {"_parameters", "_buffers", "_modules"}) {
    const auto dict = member(d, state, field);
    if (!dict || d.kind(*dict) != ValueKind::Dict) continue;
    const auto items = d.items(*dict);
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      const std::string name = keyText(d, items[i]);
      if (std::string_view(field) == "_buffers" && nonPersistent.count(name)) continue;
      out.emplace_back(name, items[i + 1]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, Ref>> containerChildren(const PickleData& d, Ref v) {
  std::vector<std::pair<std::string, Ref>> out;
  const auto items = d.items(v);
  if (d.kind(v) == ValueKind::Dict) {
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) out.emplace_back(keyText(d, items[i]), items[i + 1]);
  } else if (d.kind(v) != ValueKind::Set) {  // a set has no order and no names: nothing torch saves in one
    for (std::size_t i = 0; i < items.size(); ++i) out.emplace_back(std::to_string(i), items[i]);
  }
  return out;
}

}  // namespace

bool isOptimizerKey(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return k.rfind("optimizer", 0) == 0 || k == "optim" || k == "optim_state" || k == "opt_state" || k == "optimizers";
}

StateDictWalk walkStateDict(const PickleData& d, std::size_t maxDepth) {
  StateDictWalk out;
  const Ref root = d.root();
  if (d.kind(root) == ValueKind::Dict) {
    const auto items = d.items(root);
    for (std::size_t i = 0; i + 1 < items.size() && out.scalars.size() < kMaxScalars; i += 2)
      if (d.kind(items[i]) == ValueKind::String)
        if (std::string text = scalarText(d, items[i + 1]); !text.empty()) out.scalars.emplace_back(d.text(items[i]), std::move(text));
  }
  std::vector<Pending> stack{{root, {}, NodeRole::Weights, 0}};
  std::unordered_set<Ref> visited;
  while (!stack.empty()) {
    Pending p = std::move(stack.back());
    stack.pop_back();
    const ValueKind kind = d.kind(p.value);
    if (kind == ValueKind::Tensor) {
      out.tensors.push_back({std::move(p.key), p.value, p.role});
      continue;
    }
    const bool container = kind == ValueKind::Dict || kind == ValueKind::List || kind == ValueKind::Tuple || kind == ValueKind::Set;
    if (!container && kind != ValueKind::Object) continue;
    if (!visited.insert(p.value).second) continue;
    std::vector<std::pair<std::string, Ref>> children;
    if (kind == ValueKind::Object) {
      ++out.placeholders;
      const auto state = moduleState(d, p.value);
      if (!state) continue;
      children = moduleChildren(d, *state);
    } else {
      children = containerChildren(d, p.value);
    }
    if (children.empty()) continue;
    if (p.depth >= maxDepth) throw PickleError("the pickled object nests deeper than " + std::to_string(maxDepth) + " levels");
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      const NodeRole role = kind == ValueKind::Dict && isOptimizerKey(it->first) ? NodeRole::Optimizer : p.role;
      stack.push_back({it->second, p.key.empty() ? it->first : p.key + "." + it->first, role, p.depth + 1});
    }
  }
  return out;
}

}  // namespace graft::pytorch
