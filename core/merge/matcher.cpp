#include "merge/matcher.h"

#include <map>
#include <optional>
#include <regex>
#include <unordered_map>

#include "checkpoint/listing.h"
#include "checkpoint/tree_builder.h"
#include "io/error.h"
#include "merge/name_normalizer.h"

namespace graft {

std::optional<MatchStrategy> matchStrategyFromName(const std::string& name) {
  if (name == "name") return MatchStrategy::Name;
  if (name == "normalized" || name == "normalised") return MatchStrategy::Normalized;
  if (name == "order") return MatchStrategy::Order;
  if (name == "shape") return MatchStrategy::Shape;
  return std::nullopt;
}

RenameRule RenameRule::parse(const std::string& text) {
  const auto arrow = text.find("=>");
  if (arrow == std::string::npos) throw Error("rename rule '" + text + "' must look like 'REGEX=>REPLACEMENT'");
  try {
    return {text, std::regex(text.substr(0, arrow), std::regex::ECMAScript), text.substr(arrow + 2)};
  } catch (const std::regex_error& e) {
    throw Error("rename rule '" + text + "': invalid regular expression: " + e.what());
  }
}

namespace {

std::vector<const Node*> weights(const Checkpoint& c) {
  std::vector<const Node*> out;
  for (const Node* v : c.variables())
    if (v->role() == NodeRole::Weights) out.push_back(v);
  return out;
}

// The source's name after the user's rules; `applied` lists the rules that changed it.
std::string renamed(const std::string& name, const std::vector<RenameRule>& rules, std::string& applied) {
  std::string s = name;
  for (const auto& r : rules) {
    std::string next = std::regex_replace(s, r.pattern, r.replacement);
    if (next != s) applied += (applied.empty() ? "" : ", ") + r.text;
    s = std::move(next);
  }
  return s;
}

Operation copyOp(const Node& src, const Node& dst, std::string reason) {
  Operation op;
  op.kind = OperationKind::Copy;
  op.source = src.path();
  op.target = dst.path();
  op.reason = std::move(reason);
  return op;
}

class Matcher {
 public:
  Matcher(const Checkpoint& source, const Checkpoint& target, const MatchOptions& o)
      : source_(source), target_(target), o_(o) {
    for (const Node* v : weights(source))
      if (!o.take || matchesFilter(*v, *o.take)) sources_.push_back(v);
    targets_ = weights(target);
  }

  std::vector<Operation> run() {
    switch (o_.strategy) {
      case MatchStrategy::Name: byName(); break;
      case MatchStrategy::Normalized: byNormalizedName(); break;
      case MatchStrategy::Order: byOrder(); break;
      case MatchStrategy::Shape: byShape(); break;
    }
    return std::move(ops_);
  }

 private:
  std::string because(const std::string& what, const std::string& rules) const {
    return rules.empty() ? what : what + " after rule " + rules;
  }

  void byName() {
    std::unordered_map<std::string, const Node*> byKey, byPath;
    for (const Node* t : targets_) {
      byKey.emplace(t->tensor()->key, t);
      byPath.emplace(t->path(), t);
    }
    for (const Node* s : sources_) {
      std::string rules;
      const std::string key = renamed(s->tensor()->key, o_.rules, rules);
      std::string pathRules;
      const std::string path = renamed(s->path(), o_.rules, pathRules);
      if (auto it = byKey.find(key); it != byKey.end())
        ops_.push_back(copyOp(*s, *it->second, because("same name '" + key + "'", rules)));
      else if (auto p = byPath.find(path); p != byPath.end())
        ops_.push_back(copyOp(*s, *p->second, because("same path '" + path + "'", pathRules)));
    }
  }

  void byNormalizedName() {
    std::unordered_map<std::string, const Node*> exact;
    std::map<std::string, std::vector<const Node*>> byKind;  // numbering stripped, in target order
    for (const Node* t : targets_) exact.emplace(normalizeName(t->tensor()->key), t);
    std::vector<bool> targetUsed(targets_.size());
    std::unordered_map<const Node*, std::size_t> targetIndex;
    for (std::size_t i = 0; i < targets_.size(); ++i) targetIndex[targets_[i]] = i;

    std::vector<std::pair<const Node*, std::string>> leftovers;
    for (const Node* s : sources_) {
      std::string rules;
      const std::string norm = normalizeName(renamed(s->tensor()->key, o_.rules, rules));
      if (auto it = exact.find(norm); it != exact.end() && !targetUsed[targetIndex[it->second]]) {
        targetUsed[targetIndex[it->second]] = true;
        ops_.push_back(copyOp(*s, *it->second, because("same normalized name '" + norm + "'", rules)));
      } else {
        leftovers.emplace_back(s, rules);
      }
    }
    leftovers = byWeightedLayerPosition(leftovers, targetUsed, targetIndex);
    // Keras numbers layers per session (dense_3 in one file is dense in the other): pair the
    // k-th unmatched "dense/kernel" of the source with the k-th of the target.
    for (std::size_t i = 0; i < targets_.size(); ++i)
      if (!targetUsed[i]) byKind[withoutNumbering(normalizeName(targets_[i]->tensor()->key))].push_back(targets_[i]);
    std::map<std::string, std::size_t> taken;
    for (const auto& [s, rules] : leftovers) {
      std::string ignored;
      const std::string kind = withoutNumbering(normalizeName(renamed(s->tensor()->key, o_.rules, ignored)));
      auto it = byKind.find(kind);
      if (it == byKind.end() || taken[kind] >= it->second.size()) continue;
      const std::size_t k = taken[kind]++;
      ops_.push_back(copyOp(*s, *it->second[k], because("same kind '" + kind + "', #" + std::to_string(k + 1) + " in order", rules)));
    }
  }

  // TF2 names a Keras model's j-th layer with weights `layer_with_weights-j` (§2.10): pair
  // `…/layer_with_weights-1/kernel` with the kernel of the other file's 2nd weighted layer.
  std::vector<std::pair<const Node*, std::string>> byWeightedLayerPosition(
      const std::vector<std::pair<const Node*, std::string>>& leftovers, std::vector<bool>& targetUsed,
      const std::unordered_map<const Node*, std::size_t>& targetIndex) {
    // Only where one side names layers TF2's way; Keras files pair by kind below.
    auto tf2Named = [](const std::vector<const Node*>& vars) {
      return std::any_of(vars.begin(), vars.end(), [](const Node* v) { return v->tensor()->key.find("layer_with_weights-") != std::string::npos; });
    };
    if (!tf2Named(sources_) && !tf2Named(targets_)) return leftovers;
    std::unordered_map<std::string, const Node*> byPosition;
    for (const Node* t : targets_)
      if (!targetUsed[targetIndex.at(t)])
        if (auto p = weightedPositionName(*t, t->tensor()->key, target_)) byPosition.emplace(*p, t);
    std::vector<std::pair<const Node*, std::string>> rest;
    for (const auto& [s, rules] : leftovers) {
      std::string ignored;
      const auto p = weightedPositionName(*s, renamed(s->tensor()->key, o_.rules, ignored), source_);
      const auto it = p ? byPosition.find(*p) : byPosition.end();
      if (it == byPosition.end() || targetUsed[targetIndex.at(it->second)]) {
        rest.emplace_back(s, rules);
        continue;
      }
      targetUsed[targetIndex.at(it->second)] = true;
      const auto slash = p->find('/');
      ops_.push_back(copyOp(*s, *it->second,
                            because("layer with weights #" + std::to_string(std::stoul(p->substr(1, slash - 1)) + 1) + ", same variable '" +
                                        p->substr(slash + 1) + "'",
                                    rules)));
    }
    return rest;
  }

  // "#j/<rest>" for a variable of the j-th layer with weights (from the key's
  // layer_with_weights-j, else from the file's order of weighted top-level layers).
  static std::optional<std::string> weightedPositionName(const Node& v, const std::string& key, const Checkpoint& c) {
    const auto parts = splitPath(normalizeName(key));
    static const std::regex tf2Layer(R"(layer_with_weights-(\d+))");
    for (std::size_t j = 0; j < parts.size(); ++j) {
      std::smatch m;
      if (std::regex_match(parts[j], m, tf2Layer) && j + 1 < parts.size())
        return "#" + m[1].str() + "/" + joinFrom(parts, j + 1);
    }
    const Node* top = &v;
    while (top->parent() && top->parent()->parent()) top = top->parent();
    if (top == &v || parts.size() < 2) return std::nullopt;
    const auto layers = weightedLayers(c);
    const auto at = std::find(layers.begin(), layers.end(), top);
    if (at == layers.end()) return std::nullopt;
    return "#" + std::to_string(at - layers.begin()) + "/" + joinFrom(parts, 1);
  }

  static std::string joinFrom(const std::vector<std::string>& parts, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : "/") + parts[i];
    return out;
  }

  static std::vector<const Node*> weightedLayers(const Checkpoint& c) {
    std::vector<const Node*> layers;
    for (const auto& n : c.root().children())
      if (n->role() == NodeRole::Weights && n->variableCount() > 0) layers.push_back(n.get());
    return layers;
  }

  // Keras' default rule: the n-th layer with weights takes the n-th layer with weights.
  void byOrder() {
    const auto from = weightedLayers(source_);
    const auto to = weightedLayers(target_);
    for (std::size_t i = 0; i < std::min(from.size(), to.size()); ++i) {
      if (o_.take) {
        bool any = false;
        forEachVariable(*from[i], [&](const Node& v) { any = any || matchesFilter(v, *o_.take); });
        if (!any) continue;
      }
      Operation op;
      op.kind = OperationKind::CopyLayer;
      op.source = from[i]->path();
      op.target = to[i]->path();
      op.reason = "layer with weights #" + std::to_string(i + 1) + " (order)";
      ops_.push_back(std::move(op));
    }
  }

  void byShape() {
    std::vector<bool> used(sources_.size());
    for (const Node* t : targets_)
      for (std::size_t i = 0; i < sources_.size(); ++i) {
        const TensorInfo& s = *sources_[i]->tensor();
        if (used[i] || s.shape != t->tensor()->shape || s.dtype != t->tensor()->dtype) continue;
        used[i] = true;
        ops_.push_back(copyOp(*sources_[i], *t, "same shape " + s.shape.toString() + " and dtype, in order"));
        break;
      }
  }

  const Checkpoint& source_;
  const Checkpoint& target_;
  const MatchOptions& o_;
  std::vector<const Node*> sources_;
  std::vector<const Node*> targets_;
  std::vector<Operation> ops_;
};

}  // namespace

std::vector<Operation> proposeMatches(const Checkpoint& source, const Checkpoint& target, const MatchOptions& options) {
  return Matcher(source, target, options).run();
}

MergePlan planFromMatches(const Checkpoint& source, const Checkpoint& target, const MatchOptions& options) {
  MergePlan plan;
  plan.source = source.path();
  plan.target = target.path();
  plan.operations = proposeMatches(source, target, options);
  return plan;
}

}  // namespace graft
