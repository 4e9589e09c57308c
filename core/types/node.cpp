#include "types/node.h"

#include <vector>

namespace graft {

Node::Node(NodeKind kind, std::string name, NodeRole role)
    : kind_(kind), name_(std::move(name)), role_(role) {}

Node::~Node() {
  std::vector<std::unique_ptr<Node>> pending = std::move(children_);
  while (!pending.empty()) {
    std::unique_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    for (auto& c : n->children_) pending.push_back(std::move(c));
    n->children_.clear();
  }
}

std::string Node::path() const {
  std::vector<const Node*> chain;
  for (const Node* n = this; n && n->parent_; n = n->parent_) chain.push_back(n);
  std::string p;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!p.empty()) p += '/';
    p += (*it)->name_;
  }
  return p;
}

Node& Node::addChild(std::unique_ptr<Node> child) {
  child->parent_ = this;
  child->row_ = static_cast<int>(children_.size());
  children_.push_back(std::move(child));
  return *children_.back();
}

void Node::computeTotals() {
  // Iterative post-order: checkpoints can nest deeply and must not overflow the stack.
  struct Frame { Node* node; std::size_t next; };
  std::vector<Frame> stack{{this, 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next < f.node->children_.size()) {
      Node* c = f.node->children_[f.next++].get();
      stack.push_back({c, 0});
      continue;
    }
    Node* n = f.node;
    stack.pop_back();
    if (n->tensor_) {
      n->parameterCount_ = n->tensor_->elementCount;
      n->byteSize_ = n->tensor_->byteSize;
      n->variableCount_ = 1;
    } else {
      n->parameterCount_ = n->byteSize_ = n->variableCount_ = 0;
    }
    for (const auto& c : n->children_) {
      // A layer's figures are its weights': optimizer slots kept beside them (TF) are not.
      if (n->kind_ == NodeKind::Layer && n->role_ == NodeRole::Weights && c->role_ != NodeRole::Weights) continue;
      n->parameterCount_ += c->parameterCount_;
      n->byteSize_ += c->byteSize_;
      n->variableCount_ += c->variableCount_;
    }
  }
}

std::string_view nodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::Group: return "group";
    case NodeKind::Layer: return "layer";
    case NodeKind::Variable: return "variable";
  }
  return "group";
}

std::string_view nodeRoleName(NodeRole role) {
  switch (role) {
    case NodeRole::Weights: return "weights";
    case NodeRole::Optimizer: return "optimizer";
    case NodeRole::Bookkeeping: return "bookkeeping";
  }
  return "weights";
}

}  // namespace graft
