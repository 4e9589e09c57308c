#include "panes/checkpoint_tree_model.h"

#include "panes/release_in_background.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyle>

#include <QMimeData>
#include <QRegularExpression>

#include <memory>

#include "panes/drop_handler.h"
#include "text/units.h"

namespace graft::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

CheckpointTreeModel::CheckpointTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void CheckpointTreeModel::setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint, std::shared_ptr<const FlatTree> tree) {
  beginResetModel();
  auto oldCheckpoint = std::exchange(checkpoint_, std::move(checkpoint));
  auto oldTree = std::exchange(baseTree_, nullptr);
  statuses_.clear();
  additions_ = {};
  projection_ = {};
  tree_ = nullptr;
  regexMatcher_->setTree(nullptr);
  releaseInBackground(std::move(oldTree));
  releaseInBackground(std::move(oldCheckpoint));
  if (checkpoint_ && !tree) tree = std::make_shared<const FlatTree>(checkpoint_->root());
  baseTree_ = tree_ = checkpoint_ ? std::move(tree) : nullptr;
  if (checkpoint_) {
    TreeProjection::Options o;
    o.matches = matcher_;
    o.bulkMatches = bulkMatcher_;
    o.showOptimizer = showOptimizer_;
    regexMatcher_->setTree(tree_);
    projection_ = TreeProjection(tree_, o);
  }
  endResetModel();
}

void CheckpointTreeModel::reproject() {
  if (!checkpoint_) return;
  Q_EMIT layoutAboutToBeChanged();
  // Indexes carry FlatTree entry numbers: map each persistent one through its node, looked up
  // in the tree it was made with (entries of added nodes change when the plan does).
  const QModelIndexList before = persistentIndexList();
  std::vector<const Node*> nodes;
  nodes.reserve(static_cast<std::size_t>(before.size()));
  for (const QModelIndex& i : before) nodes.push_back(projection_.tree() ? nodeAt(i) : nullptr);
  TreeProjection::Options o;
  o.matches = matcher_;
  o.bulkMatches = bulkMatcher_;
  o.showOptimizer = showOptimizer_;
  regexMatcher_->setTree(tree_);
  projection_ = TreeProjection(tree_, o);
  QModelIndexList after;
  after.reserve(before.size());
  for (qsizetype k = 0; k < before.size(); ++k) after << indexOf(nodes[static_cast<std::size_t>(k)], before[k].column());
  changePersistentIndexList(before, after);
  Q_EMIT layoutChanged();
}

void CheckpointTreeModel::setPlanResult(const MergeEvaluation& evaluation) {
  if (!checkpoint_) return;
  // The old added nodes live until the views have let go of them: a new node at a freed
  // address must not inherit an old persistent index.
  ResultAdditions previous = std::move(additions_);
  additions_ = ResultAdditions(*checkpoint_, evaluation);
  tree_ = additions_.empty() ? baseTree_ : TreeProjection::withGrafts(*baseTree_, additions_.grafts());
  statuses_ = computeNodeStatuses(evaluation, additions_);
  // A layout change makes views repaint every visible row (children included), which
  // dataChanged on top-level rows would not.
  reproject();
}

QString CheckpointTreeModel::setFilter(const QString& text, bool regex) {
  TreeProjection::Matcher matcher;
  TreeProjection::BulkMatcher bulk;
  if (!text.isEmpty() && regex) {
    QRegularExpression re(text, QRegularExpression::CaseInsensitiveOption);
    if (!re.isValid()) return re.errorString();
    bulk = [re, cache = regexMatcher_](const FlatTree& tree, std::vector<std::uint8_t>& out) { cache->matchAll(re, tree, out); };
  } else if (!text.isEmpty()) {
    std::string needle = text.toStdString();
    for (char& c : needle)  // the projection folds paths to ASCII lower case; fold the needle alike
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    matcher = [needle](const Node&, std::string_view path) { return path.find(needle) != std::string_view::npos; };
  }
  matcher_ = std::move(matcher);
  bulkMatcher_ = std::move(bulk);
  reproject();
  return {};
}

void CheckpointTreeModel::setShowOptimizer(bool show) {
  if (show == showOptimizer_) return;
  showOptimizer_ = show;
  reproject();
}

const Node* CheckpointTreeModel::findNode(const std::string& path) const {
  if (!checkpoint_) return nullptr;
  if (const Node* n = checkpoint_->findNode(path)) return n;
  return additions_.find(path);
}

const NodeStatus* CheckpointTreeModel::statusOf(const Node* node) const {
  const auto it = statuses_.find(node);
  return it == statuses_.end() ? nullptr : &it->second;
}

const Node* CheckpointTreeModel::nodeAt(const QModelIndex& index) const {
  const FlatTree* t = projection_.tree();
  return index.isValid() && t && index.internalId() < t->size() ? t->node(static_cast<std::uint32_t>(index.internalId())) : nullptr;
}

// Index internal ids are FlatTree entries (0 = the root), so the view's many calls to index(),
// parent() and rowCount() are array reads, not lookups.
std::uint32_t CheckpointTreeModel::entryOf(const QModelIndex& index) const {
  return index.isValid() ? static_cast<std::uint32_t>(index.internalId()) : 0;
}

QModelIndex CheckpointTreeModel::indexOf(const Node* node, int column) const {
  const FlatTree* t = projection_.tree();
  if (!t || !node) return {};
  const std::uint32_t i = t->indexOf(node);
  if (i == FlatTree::npos || i == 0 || !projection_.shownAt(i)) return {};
  return createIndex(static_cast<int>(projection_.rowAt(i)), column, static_cast<quintptr>(i));
}

QModelIndex CheckpointTreeModel::index(int row, int column, const QModelIndex& parent) const {
  if (!projection_.tree() || row < 0 || column < 0 || column >= ColumnCount) return {};
  const std::uint32_t p = entryOf(parent);
  if (!projection_.shownAt(p) || static_cast<std::uint32_t>(row) >= projection_.childCountAt(p)) return {};
  return createIndex(row, column, static_cast<quintptr>(projection_.childAt(p, static_cast<std::uint32_t>(row))));
}

QModelIndex CheckpointTreeModel::parent(const QModelIndex& child) const {
  const FlatTree* t = projection_.tree();
  if (!child.isValid() || !t) return {};
  const std::uint32_t p = t->parent(entryOf(child));
  if (p == FlatTree::npos || p == 0) return {};
  return createIndex(static_cast<int>(projection_.rowAt(p)), 0, static_cast<quintptr>(p));
}

int CheckpointTreeModel::rowCount(const QModelIndex& parent) const {
  if (parent.column() > 0 || !projection_.tree()) return 0;
  const std::uint32_t p = entryOf(parent);
  return projection_.shownAt(p) ? static_cast<int>(projection_.childCountAt(p)) : 0;
}

int CheckpointTreeModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant CheckpointTreeModel::display(const Node& node, int column) const {
  const TensorInfo* t = node.tensor();
  switch (column) {
    case NameColumn: return qs(node.displayName());
    case ShapeColumn:
      if (t) return qs(t->shape.toString());
      return qs(node.layerClass());  // layers show their class where the file records it
    case DTypeColumn: return t ? QString::fromLatin1(dtypeName(t->dtype).data()) : QVariant();
    case ParamsColumn: return qs(groupedNumber(node.parameterCount()));
    case StatusColumn:
      if (const NodeStatus* st = statusOf(&node)) return st->text;
      return {};
    default: return {};
  }
}

QString CheckpointTreeModel::toolTip(const Node& node) const {
  if (const TensorInfo* t = node.tensor())
    return tr("<b>%1</b><br>key: <tt>%2</tt><br>%3 %4 · %5 parameters · %6")
        .arg(qs(pathOf(&node)).toHtmlEscaped(), qs(t->key).toHtmlEscaped(), QString::fromLatin1(dtypeName(t->dtype).data()),
             qs(t->shape.toString()), qs(groupedNumber(t->elementCount)), qs(humanBytes(t->byteSize)));
  QString kind = node.kind() == NodeKind::Layer ? tr("layer") : tr("group");
  if (!node.layerClass().empty()) kind = qs(node.layerClass()) + " " + kind;
  if (node.displayName() != node.name()) kind += tr(", named %1 in the file").arg(qs(node.displayName()).toHtmlEscaped());
  return tr("<b>%1</b> (%2)<br>%3 variables · %4 parameters · %5")
      .arg(qs(pathOf(&node)).toHtmlEscaped(), kind, qs(groupedNumber(node.variableCount())),
           qs(groupedNumber(node.parameterCount())), qs(humanBytes(node.byteSize())));
}

QVariant CheckpointTreeModel::data(const QModelIndex& index, int role) const {
  const Node* n = nodeAt(index);
  if (!n) return {};
  switch (role) {
    case Qt::DisplayRole: return display(*n, index.column());
    case Qt::ToolTipRole:
      if (index.column() == StatusColumn)
        if (const NodeStatus* st = statusOf(n)) return st->message.toHtmlEscaped();
      return toolTip(*n);
    case NodeRole: return QVariant::fromValue(static_cast<const void*>(n));
    case Qt::TextAlignmentRole:
      if (index.column() == ParamsColumn) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::DecorationRole:
      if (index.column() == StatusColumn) {
        if (const NodeStatus* st = statusOf(n)) return statusIcon(st->status);
        return {};
      }
      if (index.column() != NameColumn) return {};
      // Made once: a style's standardIcon() is a new QIcon per call, decoding its PNGs again on
      // every paint (that was most of a repaint's cost).
      static const QIcon variableIcon = QApplication::style()->standardIcon(QStyle::SP_FileIcon);
      static const QIcon groupIcon = QApplication::style()->standardIcon(QStyle::SP_DirIcon);
      return n->isVariable() ? variableIcon : groupIcon;
    case Qt::ForegroundRole:
      if (index.column() == StatusColumn) {
        if (const NodeStatus* st = statusOf(n)) return statusColor(st->status);
        return {};
      }
      // Optimizer state and layer classes are secondary information: muted.
      if (n->role() != graft::NodeRole::Weights || (index.column() == ShapeColumn && !n->tensor())) {
        const QPalette p = QApplication::palette();
        const QColor t = p.color(QPalette::Text), b = p.color(QPalette::Base);
        return QColor((t.red() * 3 + b.red() * 2) / 5, (t.green() * 3 + b.green() * 2) / 5, (t.blue() * 3 + b.blue() * 2) / 5);
      }
      return {};
    case Qt::FontRole:
      if (index.column() == ShapeColumn && !n->tensor()) {
        QFont f;
        f.setItalic(true);
        return f;
      }
      if (index.column() == NameColumn && isMatch(n)) {  // a filter match stands out beyond its colour
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
    case Qt::BackgroundRole:
      if (index.column() == NameColumn && isMatch(n)) return QColor(255, 214, 0, 80);  // find-highlight yellow
      return {};
    default: return {};
  }
}

QVariant CheckpointTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    switch (section) {
      case NameColumn: return tr("Name");
      case ShapeColumn: return tr("Shape");
      case DTypeColumn: return tr("DType");
      case ParamsColumn: return tr("Params");
      case StatusColumn: return tr("Status");
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case NameColumn: return tr("Layers, groups and weights as the checkpoint names them");
      case ShapeColumn: return tr("Tensor dimensions, outermost first");
      case DTypeColumn: return tr("Element type (float32, bfloat16, int64, …)");
      case ParamsColumn: return tr("Number of values: per weight, and summed for layers and groups");
      case StatusColumn: return tr("In the target: what the plan does to each weight (replaced, converted, added, dropped, conflict)");
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole && section == ParamsColumn) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

}  // namespace graft::ui

namespace graft::ui {

Qt::ItemFlags CheckpointTreeModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractItemModel::flags(index);
  if (index.isValid() && dragSource_) f |= Qt::ItemIsDragEnabled;
  if (dropHandler_) f |= Qt::ItemIsDropEnabled;
  return f;
}

QStringList CheckpointTreeModel::mimeTypes() const { return {QString::fromLatin1(kNodesMimeType)}; }

QMimeData* CheckpointTreeModel::mimeData(const QModelIndexList& indexes) const {
  if (!checkpoint_) return nullptr;
  QStringList lines{QString::fromStdString(checkpoint_->path().string())};
  for (const QModelIndex& i : indexes)
    if (i.column() == NameColumn)
      if (const Node* n = nodeAt(i)) lines << QString::fromStdString(n->path());
  auto* mime = new QMimeData;
  mime->setData(QString::fromLatin1(kNodesMimeType), lines.join(QLatin1Char('\n')).toUtf8());
  return mime;
}

const Node* CheckpointTreeModel::dropTarget(int, const QModelIndex& parent) const {
  // Dropping between rows means "into the parent"; on the root's rows, empty space. Nodes the
  // plan adds are not in the target file: a drop on them goes to the target node they hang under.
  const Node* onto = parent.isValid() ? additions_.realAncestor(nodeAt(parent)) : nullptr;
  return onto == projection_.root() ? nullptr : onto;
}

bool CheckpointTreeModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int row, int, const QModelIndex& parent) const {
  return dropHandler_ && data && data->hasFormat(QString::fromLatin1(kNodesMimeType)) &&
         dropHandler_->canDrop(data, dropTarget(row, parent));
}

bool CheckpointTreeModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) {
  if (!canDropMimeData(data, action, row, column, parent)) return false;
  return dropHandler_->drop(data, dropTarget(row, parent));
}

}  // namespace graft::ui
