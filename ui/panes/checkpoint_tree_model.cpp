#include "panes/checkpoint_tree_model.h"

#include <QApplication>
#include <QFont>
#include <QPalette>
#include <QStyle>

#include "text/units.h"

namespace graft::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

CheckpointTreeModel::CheckpointTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void CheckpointTreeModel::setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint) {
  beginResetModel();
  checkpoint_ = std::move(checkpoint);
  endResetModel();
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
    case Qt::ToolTipRole: return toolTip(*n);
    case NodeRole: return QVariant::fromValue(static_cast<const void*>(n));
    case Qt::TextAlignmentRole:
      if (index.column() == ParamsColumn) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::DecorationRole:
      if (index.column() != NameColumn) return {};
      return QApplication::style()->standardIcon(n->isVariable() ? QStyle::SP_FileIcon : QStyle::SP_DirIcon);
    case Qt::ForegroundRole:
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
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole && section == ParamsColumn) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

}  // namespace graft::ui
