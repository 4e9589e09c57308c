#pragma once
// A QAbstractItemModel over a core checkpoint's Node tree, seen through a TreeProjection
// (filter, hidden optimizer state, variables the plan adds). It renders; it never reads
// tensor bytes. Rows are created lazily by the view, so large trees cost nothing up front.

#include <QAbstractItemModel>

#include <memory>

#include "checkpoint/checkpoint.h"
#include "checkpoint/tree_projection.h"
#include "panes/regex_path_matcher.h"
#include "panes/result_additions.h"
#include "plan/result_status.h"

namespace graft::ui {

class CheckpointTreeModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  enum Column { NameColumn, ShapeColumn, DTypeColumn, ParamsColumn, StatusColumn, ColumnCount };
  static constexpr int NodeRole = Qt::UserRole + 1;  // const graft::Node* of the row

  explicit CheckpointTreeModel(QObject* parent = nullptr);

  // `tree` must be `checkpoint`'s own layout; null builds it here.
  void setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint, std::shared_ptr<const FlatTree> tree = nullptr);
  // The plan's effect on this (target) tree: each node's status, and the variables it adds.
  void setPlanResult(const MergeEvaluation& evaluation);
  const NodeStatus* statusOf(const Node* node) const;
  const ResultAdditions& additions() const { return additions_; }

  // Shows only nodes whose tree path contains `text` (case-insensitive), or matches it as a
  // regular expression, with their context. Returns why an expression is invalid, "" if fine.
  QString setFilter(const QString& text, bool regex);
  bool filtering() const { return projection_.filtering(); }
  std::size_t matchCount() const { return projection_.matchCount(); }
  bool isMatch(const Node* node) const { return projection_.isMatch(node); }
  // Optimizer state and bookkeeping are hidden unless asked for.
  void setShowOptimizer(bool show);
  bool showsOptimizer() const { return showOptimizer_; }
  const TreeProjection& projection() const { return projection_; }
  // A shown node by tree path: the checkpoint's own, or one the plan adds.
  const Node* findNode(const std::string& path) const;
  std::string pathOf(const Node* node) const { return additions_.pathOf(node); }
  // Source trees drag their nodes; target trees accept drops through the handler.
  void setDragSource(bool enabled) { dragSource_ = enabled; }
  void setDropHandler(class DropHandler* handler) { dropHandler_ = handler; }
  class DropHandler* dropHandler() const { return dropHandler_; }
  const Checkpoint* checkpoint() const { return checkpoint_.get(); }
  const Node* nodeAt(const QModelIndex& index) const;
  QModelIndex indexOf(const Node* node, int column = 0) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
  Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
  bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) const override;
  bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) override;

 private:
  std::uint32_t entryOf(const QModelIndex& index) const;
  QVariant display(const Node& node, int column) const;
  QString toolTip(const Node& node) const;

  const Node* dropTarget(int row, const QModelIndex& parent) const;
  // Rebuilds the projection, keeping every persistent index (selection, expansion) on its node.
  void reproject();

  std::shared_ptr<const Checkpoint> checkpoint_;
  std::shared_ptr<const FlatTree> baseTree_;  // the checkpoint's tree, laid out once
  std::shared_ptr<const FlatTree> tree_;      // the same with the plan's additions
  TreeProjection projection_;
  TreeProjection::Matcher matcher_;
  TreeProjection::BulkMatcher bulkMatcher_;
  std::shared_ptr<RegexPathMatcher> regexMatcher_ = std::make_shared<RegexPathMatcher>();
  bool showOptimizer_ = false;
  ResultAdditions additions_;
  NodeStatuses statuses_;
  bool dragSource_ = false;
  class DropHandler* dropHandler_ = nullptr;
};

}  // namespace graft::ui
