#include "panes/checkpoint_tree_model.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyle>

#include <QMimeData>

#include "panes/drop_handler.h"
#include "text/units.h"

namespace graft::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

CheckpointTreeModel::CheckpointTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void CheckpointTreeModel::setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint) {
  beginResetModel();
  checkpoint_ = std::move(checkpoint);
  statuses_.clear();
  endResetModel();
}

void CheckpointTreeModel::setStatuses(NodeStatuses statuses) {
  // The tree's shape is unchanged; a layout change makes views repaint every visible row
  // (children included), which dataChanged on top-level rows would not.
  Q_EMIT layoutAboutToBeChanged();
  statuses_ = std::move(statuses);
  Q_EMIT layoutChanged();
}

const NodeStatus* CheckpointTreeModel::statusOf(const Node* node) const {
  const auto it = statuses_.find(node);
  return it == statuses_.end() ? nullptr : &it->second;
}

const Node* CheckpointTreeModel::nodeAt(const QModelIndex& index) const {
  return index.isValid() ? static_cast<const Node*>(index.internalPointer()) : nullptr;
}

const Node* CheckpointTreeModel::nodeOrRoot(const QModelIndex& index) const {
  if (index.isValid()) return nodeAt(index);
  return checkpoint_ ? &checkpoint_->root() : nullptr;
}

QModelIndex CheckpointTreeModel::indexOf(const Node* node, int column) const {
  if (!node || !node->parent()) return {};
  return createIndex(node->row(), column, const_cast<Node*>(node));
}

QModelIndex CheckpointTreeModel::index(int row, int column, const QModelIndex& parent) const {
  const Node* p = nodeOrRoot(parent);
  if (!p || row < 0 || column < 0 || column >= ColumnCount || static_cast<std::size_t>(row) >= p->childCount())
    return {};
  return createIndex(row, column, const_cast<Node*>(p->child(static_cast<std::size_t>(row))));
}

QModelIndex CheckpointTreeModel::parent(const QModelIndex& child) const {
  const Node* n = nodeAt(child);
  if (!n || !n->parent() || !n->parent()->parent()) return {};
  return indexOf(n->parent());
}

int CheckpointTreeModel::rowCount(const QModelIndex& parent) const {
  if (parent.column() > 0) return 0;
  const Node* p = nodeOrRoot(parent);
  return p ? static_cast<int>(p->childCount()) : 0;
}

int CheckpointTreeModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant CheckpointTreeModel::display(const Node& node, int column) const {
  const TensorInfo* t = node.tensor();
  switch (column) {
    case NameColumn: return qs(node.name());
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
        .arg(qs(node.path()).toHtmlEscaped(), qs(t->key).toHtmlEscaped(), QString::fromLatin1(dtypeName(t->dtype).data()),
             qs(t->shape.toString()), qs(groupedNumber(t->elementCount)), qs(humanBytes(t->byteSize)));
  QString kind = node.kind() == NodeKind::Layer ? tr("layer") : tr("group");
  if (!node.layerClass().empty()) kind = qs(node.layerClass()) + " " + kind;
  return tr("<b>%1</b> (%2)<br>%3 variables · %4 parameters · %5")
      .arg(qs(node.path()).toHtmlEscaped(), kind, qs(groupedNumber(node.variableCount())),
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
      return QApplication::style()->standardIcon(n->isVariable() ? QStyle::SP_FileIcon : QStyle::SP_DirIcon);
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

const Node* CheckpointTreeModel::dropTarget(int row, const QModelIndex& parent) const {
  // Dropping between rows means "into the parent"; on the root's rows, empty space.
  if (row >= 0 || !parent.isValid()) return parent.isValid() ? nodeAt(parent) : nullptr;
  return nodeAt(parent);
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
