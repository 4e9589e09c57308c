#include "merge/transplant.h"

#include "merge/name_normalizer.h"

namespace graft {

const Node* topLevelOf(const Node& node) {
  const Node* n = &node;
  while (n->parent() && n->parent()->parent()) n = n->parent();
  return n;
}

namespace {

Operation make(OperationKind kind, std::string source, std::string target) {
  Operation op;
  op.kind = kind;
  op.source = std::move(source);
  op.target = std::move(target);
  op.reason = "by hand";
  return op;
}

// The variable of `layer` that matches `v` by its name inside its own layer.
const Node* counterpartIn(const Node& layer, const Node& v) {
  const Node* srcLayer = topLevelOf(v);
  const std::string rel = v.path().substr(srcLayer == &v ? 0 : srcLayer->path().size() + 1);
  const std::string wanted = withoutNumbering(normalizeName(rel));
  const Node* found = nullptr;
  forEachVariable(layer, [&](const Node& t) {
    if (found) return;
    const std::string trel = t.path().substr(layer.path().size() + 1);
    if (withoutNumbering(normalizeName(trel)) == wanted) found = &t;
  });
  return found;
}

}  // namespace

std::vector<Operation> transplantOperations(const Checkpoint& /*source*/, const Checkpoint& target,
                                            const std::vector<const Node*>& dragged, const Node* onto) {
  std::vector<Operation> ops;
  for (const Node* d : dragged) {
    if (!d || !d->parent()) continue;
    if (!onto) {  // empty space: same path if the target has it, else a new node
      const Node* same = target.findNode(d->path());
      if (!same)
        ops.push_back(make(OperationKind::Add, d->path(), d->path()));
      else if (d->isVariable() && same->isVariable())
        ops.push_back(make(OperationKind::Copy, d->path(), same->path()));
      else if (!d->isVariable() && !same->isVariable())
        ops.push_back(make(OperationKind::CopyLayer, d->path(), same->path()));
      continue;
    }
    if (onto->isVariable()) {
      if (d->isVariable() && dragged.size() == 1)
        ops.push_back(make(OperationKind::Copy, d->path(), onto->path()));
      else if (d->isVariable()) {
        if (const Node* t = counterpartIn(*onto->parent(), *d)) ops.push_back(make(OperationKind::Copy, d->path(), t->path()));
      } else {
        ops.push_back(make(OperationKind::CopyLayer, d->path(), topLevelOf(*onto)->path()));
      }
      continue;
    }
    // Onto a layer or group.
    if (d->isVariable()) {
      if (const Node* t = counterpartIn(*onto, *d))
        ops.push_back(make(OperationKind::Copy, d->path(), t->path()));
      else
        ops.push_back(make(OperationKind::Add, d->path(), onto->path() + "/" + d->name()));
    } else {
      ops.push_back(make(OperationKind::CopyLayer, d->path(), onto->path()));
    }
  }
  return ops;
}

}  // namespace graft
