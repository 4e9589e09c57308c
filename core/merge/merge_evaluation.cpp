#include "merge/merge_evaluation.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "checkpoint/tree_builder.h"
#include "merge/name_normalizer.h"

namespace graft {

std::string_view slotStatusName(SlotStatus status) {
  switch (status) {
    case SlotStatus::Unchanged: return "unchanged";
    case SlotStatus::Replaced: return "replaced";
    case SlotStatus::Converted: return "converted";
    case SlotStatus::Added: return "added";
    case SlotStatus::Dropped: return "dropped";
    case SlotStatus::ConflictShape: return "conflict-shape";
    case SlotStatus::ConflictDType: return "conflict-dtype";
    case SlotStatus::ConflictMissing: return "conflict-missing";
  }
  return "unchanged";
}

bool isConflict(SlotStatus s) {
  return s == SlotStatus::ConflictShape || s == SlotStatus::ConflictDType || s == SlotStatus::ConflictMissing;
}

std::size_t MergeEvaluation::count(SlotStatus status) const {
  return static_cast<std::size_t>(std::count_if(slots.begin(), slots.end(), [&](const ResultSlot& s) { return s.status == status; }));
}

std::size_t MergeEvaluation::conflictCount() const {
  return problems.size() + static_cast<std::size_t>(std::count_if(slots.begin(), slots.end(), [](const ResultSlot& s) {
           return isConflict(s.status);
         }));
}

const ResultSlot* MergeEvaluation::findByPath(const std::string& path) const {
  for (const auto& s : slots)
    if (s.path == path) return &s;
  return nullptr;
}

const ResultSlot* MergeEvaluation::findByTarget(const Node* target) const {
  for (const auto& s : slots)
    if (s.target == target) return &s;
  return nullptr;
}

std::string describeShapeMismatch(const Shape& source, const Shape& target) {
  std::string msg = "source " + source.toString() + " does not fit target " + target.toString();
  std::vector<std::string> hints;
  if (source.rank() == target.rank()) {
    std::string dims;
    int count = 0;
    for (std::size_t i = 0; i < source.rank(); ++i)
      if (source[i] != target[i]) {
        dims += (dims.empty() ? "" : ", ") + std::to_string(i);
        ++count;
      }
    hints.push_back("slice or pad dimension" + std::string(count > 1 ? "s " : " ") + dims);
    if (source.rank() == 2 && source[0] == target[1] && source[1] == target[0]) hints.push_back("transpose");
  }
  if (source.elementCount() == target.elementCount()) hints.push_back("reshape");
  for (std::size_t i = 0; i < hints.size(); ++i) msg += (i ? ", or " : " — ") + hints[i];
  return msg;
}

namespace {

// A renamed or moved node keeps its format's key convention: TF2 keys add a suffix to the
// path ("dense/kernel/.ATTRIBUTES/VARIABLE_VALUE"); Keras 2 keys repeat the layer name
// ("dense/dense/kernel:0") where the tree path does not ("dense/kernel:0").
std::string keyForPath(const std::string& oldKey, const std::string& oldPath, const std::string& newPath) {
  if (oldPath == newPath) return oldKey;
  if (oldKey.size() > oldPath.size() && oldKey.compare(0, oldPath.size(), oldPath) == 0 && oldKey[oldPath.size()] == '/')
    return newPath + oldKey.substr(oldPath.size());
  const auto keyParts = splitPath(oldKey);
  const auto oldParts = splitPath(oldPath);
  auto newParts = splitPath(newPath);
  const bool repeatsLayer = keyParts.size() == oldParts.size() + 1 && keyParts.size() > 1 && keyParts[0] == keyParts[1];
  if (repeatsLayer && !newParts.empty()) newParts.insert(newParts.begin() + 1, newParts.front());
  std::string key;
  for (const auto& p : newParts) key += (key.empty() ? "" : "/") + p;
  return key;
}

bool isUnder(const std::string& path, const std::string& prefix) {
  return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/');
}

std::vector<const Node*> variablesUnder(const Node& n) {
  std::vector<const Node*> out;
  forEachVariable(n, [&](const Node& v) { out.push_back(&v); });
  return out;
}

std::string relativePath(const Node& v, const Node& ancestor) {
  const std::string full = v.path(), base = ancestor.path();
  return full.size() > base.size() ? full.substr(base.size() + 1) : v.name();
}

class Evaluator {
 public:
  Evaluator(const Checkpoint& source, const Checkpoint& target, const MergePlan& plan)
      : source_(source), target_(target), plan_(plan) {}

  MergeEvaluation run() {
    for (const Node* v : target_.variables()) {
      if (v->role() == NodeRole::Optimizer && !plan_.keepOptimizer) continue;
      ResultSlot s;
      s.path = v->path();
      s.outputKey = v->tensor()->key;
      s.target = v;
      s.dtype = v->tensor()->dtype;
      s.shape = v->tensor()->shape;
      s.role = v->role();
      s.message = s.path + ": kept from the target";
      byTarget_[v] = result_.slots.size();
      result_.slots.push_back(std::move(s));
    }
    checkRenameCycles();
    for (std::size_t i = 0; i < plan_.operations.size(); ++i) apply(static_cast<int>(i), plan_.operations[i]);
    return std::move(result_);
  }

 private:
  void problem(int op, std::string message) { result_.problems.push_back({op, std::move(message)}); }

  void apply(int index, const Operation& op) {
    switch (op.kind) {
      case OperationKind::Copy: return copy(index, op);
      case OperationKind::CopyLayer: return copyLayer(index, op);
      case OperationKind::Add: return add(index, op);
      case OperationKind::Drop: return drop(index, op);
      case OperationKind::Rename: return rename(index, op);
    }
  }

  // The slot of a target variable, or nullptr with a conflict-missing slot recorded.
  ResultSlot* targetSlot(int index, const std::string& path) {
    const Node* t = target_.findByPath(path);
    if (t) {
      auto it = byTarget_.find(t);
      if (it != byTarget_.end()) return &result_.slots[it->second];
    }
    missing(index, path, path + ": the target has no variable '" + path + "'");
    return nullptr;
  }

  void missing(int index, const std::string& path, std::string message) {
    ResultSlot s;
    s.path = path;
    s.status = SlotStatus::ConflictMissing;
    s.message = std::move(message);
    s.operation = index;
    result_.slots.push_back(std::move(s));
  }

  // Judges a source tensor with transforms against the shape and dtype the slot requires.
  void assign(ResultSlot& slot, int index, const Node& src, const std::vector<Transform>& transforms, bool adding) {
    if (slot.operation >= 0 && slot.status != SlotStatus::ConflictMissing)
      problem(index, slot.path + ": written by operation #" + std::to_string(slot.operation + 1) + " and #" +
                         std::to_string(index + 1));
    slot.source = &src;
    slot.transforms = transforms;
    slot.operation = index;
    const TensorInfo& s = *src.tensor();
    const TransformOutcome out = applyTransforms(s.dtype, s.shape, transforms);
    if (!out.error.empty()) {
      slot.status = SlotStatus::ConflictShape;
      slot.message = slot.path + ": " + out.error;
      return;
    }
    if (adding) {
      slot.dtype = out.dtype;
      slot.shape = out.shape;
      slot.status = SlotStatus::Added;
      slot.message = slot.path + ": added from " + src.path() + (transforms.empty() ? "" : " (" + describeTransforms(transforms) + ")");
      return;
    }
    const TensorInfo& t = *slot.target->tensor();
    if (out.shape != t.shape) {
      slot.status = SlotStatus::ConflictShape;
      slot.message = slot.path + ": " + describeShapeMismatch(out.shape, t.shape);
    } else if (out.dtype != t.dtype) {
      slot.status = SlotStatus::ConflictDType;
      slot.message = slot.path + ": source " + std::string(dtypeName(out.dtype)) + " does not match target " +
                     std::string(dtypeName(t.dtype)) + " — cast to " + std::string(dtypeName(t.dtype));
    } else {
      slot.status = transforms.empty() ? SlotStatus::Replaced : SlotStatus::Converted;
      slot.message = slot.path + ": from " + src.path() + (transforms.empty() ? "" : " (" + describeTransforms(transforms) + ")");
    }
  }

  void copy(int index, const Operation& op) {
    const Node* src = source_.findByPath(op.source);
    ResultSlot* slot = targetSlot(index, op.target);
    if (!slot) return;
    if (!src) {
      const Node* layer = source_.findNode(op.source);
      slot->status = SlotStatus::ConflictMissing;
      slot->operation = index;
      slot->message = slot->path + (layer ? ": '" + op.source + "' is a layer or group; use copy-layer"
                                          : ": the source has no variable '" + op.source + "'");
      return;
    }
    assign(*slot, index, *src, op.transforms, false);
  }

  void copyLayer(int index, const Operation& op) {
    const Node* from = source_.findNode(op.source);
    const Node* to = target_.findNode(op.target);
    if (!from || !to) {
      missing(index, op.target, op.target + ": " + (from ? "the target has no layer '" + op.target + "'" : "the source has no layer '" + op.source + "'"));
      return;
    }
    auto srcVars = variablesUnder(*from);
    auto dstVars = variablesUnder(*to);
    std::vector<bool> srcUsed(srcVars.size()), dstUsed(dstVars.size());
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    // By name inside the layer first ("kernel:0" with "kernel:0", "forward_lstm_1/bias" with "forward_lstm/bias")...
    auto key = [](const Node& v, const Node& layer) { return withoutNumbering(normalizeName(relativePath(v, layer))); };
    for (std::size_t d = 0; d < dstVars.size(); ++d)
      for (std::size_t s = 0; s < srcVars.size(); ++s)
        if (!srcUsed[s] && key(*srcVars[s], *from) == key(*dstVars[d], *to)) {
          pairs.emplace_back(s, d);
          srcUsed[s] = dstUsed[d] = true;
          break;
        }
    // ...then the rest by order, as Keras does.
    std::size_t s = 0;
    for (std::size_t d = 0; d < dstVars.size(); ++d) {
      if (dstUsed[d]) continue;
      while (s < srcVars.size() && srcUsed[s]) ++s;
      if (s == srcVars.size()) break;
      pairs.emplace_back(s, d);
      srcUsed[s] = dstUsed[d] = true;
    }
    for (const auto& [si, di] : pairs) {
      auto it = byTarget_.find(dstVars[di]);
      if (it != byTarget_.end()) assign(result_.slots[it->second], index, *srcVars[si], op.transforms, false);
    }
    for (std::size_t d = 0; d < dstVars.size(); ++d)
      if (!dstUsed[d])
        if (auto it = byTarget_.find(dstVars[d]); it != byTarget_.end()) {
          ResultSlot& slot = result_.slots[it->second];
          slot.status = SlotStatus::ConflictMissing;
          slot.operation = index;
          slot.message = slot.path + ": source layer '" + op.source + "' has no variable for it";
        }
    for (std::size_t i = 0; i < srcVars.size(); ++i)
      if (!srcUsed[i]) problem(index, srcVars[i]->path() + ": has no counterpart in target layer '" + op.target + "'");
  }

  void add(int index, const Operation& op) {
    const Node* from = source_.findNode(op.source);
    if (!from) {
      missing(index, op.target.empty() ? op.source : op.target, op.source + ": the source has no '" + op.source + "'");
      return;
    }
    const std::string base = op.target.empty() ? from->path() : op.target;
    for (const Node* v : variablesUnder(*from)) {
      ResultSlot s;
      s.path = from->isVariable() ? base : base + "/" + relativePath(*v, *from);
      s.outputKey = keyForPath(v->tensor()->key, v->path(), s.path);
      s.role = v->role();
      const bool taken = std::any_of(result_.slots.begin(), result_.slots.end(), [&](const ResultSlot& r) {
        return r.path == s.path && r.status != SlotStatus::Dropped;
      });
      if (taken) {
        problem(index, s.path + ": already exists in the target; copy into it instead of adding");
        continue;
      }
      assign(s, index, *v, op.transforms, true);
      result_.slots.push_back(std::move(s));
    }
  }

  void drop(int index, const Operation& op) {
    bool any = false;
    for (auto& slot : result_.slots)
      if (slot.target && isUnder(slot.target->path(), op.target)) {
        any = true;
        slot.status = SlotStatus::Dropped;
        slot.source = nullptr;
        slot.transforms.clear();
        slot.operation = index;
        slot.message = slot.path + ": dropped";
      }
    if (!any) missing(index, op.target, op.target + ": the target has no '" + op.target + "' to drop");
  }

  void rename(int index, const Operation& op) {
    const Node* node = target_.findNode(op.target);
    if (!node) {
      missing(index, op.target, op.target + ": the target has no '" + op.target + "' to rename");
      return;
    }
    if (op.newName.empty() || op.newName.find('/') != std::string::npos) {
      problem(index, op.target + ": '" + op.newName + "' is not a valid name");
      return;
    }
    const std::string oldPrefix = currentPath(*node);
    const auto slash = oldPrefix.rfind('/');
    const std::string newPrefix = (slash == std::string::npos ? "" : oldPrefix.substr(0, slash + 1)) + op.newName;
    for (const auto& slot : result_.slots)
      if (isUnder(slot.path, newPrefix) && slot.status != SlotStatus::Dropped) {
        problem(index, op.target + ": cannot rename to '" + newPrefix + "', which already exists");
        return;
      }
    for (auto& slot : result_.slots)
      if (isUnder(slot.path, oldPrefix)) {
        const std::string newPath = newPrefix + slot.path.substr(oldPrefix.size());
        slot.outputKey = keyForPath(slot.outputKey, slot.path, newPath);
        slot.message = newPath + ": renamed from " + slot.path + (slot.status == SlotStatus::Unchanged ? "" : "; " + slot.message);
        slot.path = newPath;
      }
    renamed_[node] = newPrefix;
  }

  std::string currentPath(const Node& n) const {
    if (auto it = renamed_.find(&n); it != renamed_.end()) return it->second;
    // A renamed ancestor moves this node too.
    std::string path = n.path();
    for (const Node* p = n.parent(); p && p->parent(); p = p->parent())
      if (auto it = renamed_.find(p); it != renamed_.end()) return it->second + path.substr(p->path().size());
    return path;
  }

  // a → b and b → a (or longer loops) cannot be applied one by one; say so up front.
  void checkRenameCycles() {
    std::map<std::string, std::pair<std::string, int>> edges;
    for (std::size_t i = 0; i < plan_.operations.size(); ++i) {
      const auto& op = plan_.operations[i];
      if (op.kind != OperationKind::Rename) continue;
      const auto slash = op.target.rfind('/');
      edges[op.target] = {(slash == std::string::npos ? "" : op.target.substr(0, slash + 1)) + op.newName, static_cast<int>(i)};
    }
    std::set<std::string> reported;
    for (const auto& [start, edge] : edges) {
      std::string chain = start, at = edge.first;
      std::set<std::string> seen{start};
      while (edges.count(at) && !seen.count(at)) {
        chain += " → " + at;
        seen.insert(at);
        at = edges[at].first;
      }
      if (at == start && !reported.count(start)) {
        for (const auto& s : seen) reported.insert(s);
        problem(edge.second, "rename cycle: " + chain + " → " + start);
      }
    }
  }

  const Checkpoint& source_;
  const Checkpoint& target_;
  const MergePlan& plan_;
  MergeEvaluation result_;
  std::unordered_map<const Node*, std::size_t> byTarget_;
  std::unordered_map<const Node*, std::string> renamed_;
};

}  // namespace

MergeEvaluation evaluatePlan(const Checkpoint& source, const Checkpoint& target, const MergePlan& plan) {
  return Evaluator(source, target, plan).run();
}

}  // namespace graft
