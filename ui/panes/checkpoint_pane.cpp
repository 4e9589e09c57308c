#include "panes/checkpoint_pane.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QStackedWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "panes/checkpoint_tree_model.h"
#include "panes/drop_preview_tree_view.h"
#include "text/units.h"

namespace graft::ui {

namespace {
// The first local file among dropped URLs, or "".
QString droppedFile(const QMimeData* mime) {
  if (!mime || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) return url.toLocalFile();
  return {};
}
}  // namespace

CheckpointPane::CheckpointPane(const QString& title, QWidget* parent) : QWidget(parent), title_(title) {
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  header_ = new QLabel(this);
  header_->setTextFormat(Qt::RichText);
  header_->setWordWrap(true);
  header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(header_);

  placeholder_ = new QLabel(this);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setWordWrap(true);
  placeholder_->setEnabled(false);  // muted hint text

  model_ = new CheckpointTreeModel(this);
  tree_ = new DropPreviewTreeView(this);
  tree_->setModel(model_);
  tree_->setUniformRowHeights(true);  // lets the view skip measuring every row of a huge tree
  tree_->setAlternatingRowColors(true);
  tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(CheckpointTreeModel::NameColumn, QHeaderView::Stretch);
  tree_->header()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  // Names matter most: the other columns get what their content needs, the name the rest.
  tree_->header()->setMinimumSectionSize(40);
  tree_->setColumnWidth(CheckpointTreeModel::ShapeColumn, 105);
  tree_->setColumnWidth(CheckpointTreeModel::DTypeColumn, 62);
  tree_->setColumnWidth(CheckpointTreeModel::ParamsColumn, 72);
  tree_->setColumnWidth(CheckpointTreeModel::StatusColumn, 112);

  stack_ = new QStackedWidget(this);
  stack_->addWidget(placeholder_);
  stack_->addWidget(tree_);
  layout->addWidget(stack_, 1);
  updateHeader();
}

void CheckpointPane::makeDragSource() {
  model_->setDragSource(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  tree_->setColumnHidden(CheckpointTreeModel::StatusColumn, true);  // statuses describe the result
}

void CheckpointPane::makeDropTarget(DropHandler* handler) {
  model_->setDropHandler(handler);
  tree_->setAcceptDrops(true);
  tree_->setDropIndicatorShown(true);
  tree_->setDragDropMode(QAbstractItemView::DropOnly);
}

void CheckpointPane::setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint) {
  model_->setCheckpoint(std::move(checkpoint));
  tree_->expandToDepth(0);
  clearBusy();
}

const Checkpoint* CheckpointPane::checkpoint() const { return model_->checkpoint(); }

void CheckpointPane::setBusy(const QString& message) {
  placeholder_->setText(message);
  stack_->setCurrentWidget(placeholder_);
}

void CheckpointPane::clearBusy() { updateHeader(); }

QString CheckpointPane::headerText() const { return header_->text(); }

void CheckpointPane::updateHeader() {
  const Checkpoint* c = checkpoint();
  if (!c) {
    header_->setText(tr("<b>%1</b> — no checkpoint open").arg(title_));
    placeholder_->setText(tr("Drop a checkpoint file here\nor use File › Open %1…").arg(title_));
    stack_->setCurrentWidget(placeholder_);
    return;
  }
  const QString file = QFileInfo(QString::fromStdString(c->path().string())).fileName().toHtmlEscaped();
  QStringList facts{QString::fromStdString(c->formatId())};
  if (!c->framework().empty()) facts << QString::fromStdString(c->framework());
  facts << tr("%1 parameters").arg(QString::fromStdString(groupedNumber(c->modelParameterCount())))
        << QString::fromStdString(humanBytes(c->modelByteSize()))
        << (c->variables().size() == 1 ? tr("1 variable")
                                       : tr("%1 variables").arg(QString::fromStdString(groupedNumber(c->variables().size()))));
  const QString muted = palette().color(QPalette::PlaceholderText).name();
  header_->setText(tr("<b>%1:</b> %2<br><span style='color:%3'>%4</span>")
                       .arg(title_, file, muted, facts.join(QStringLiteral(" · ")).toHtmlEscaped()));
  header_->setToolTip(QString::fromStdString(c->path().string()));
  stack_->setCurrentWidget(tree_);
}

void CheckpointPane::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void CheckpointPane::dropEvent(QDropEvent* event) {
  const QString path = droppedFile(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  Q_EMIT fileDropped(path);
}

}  // namespace graft::ui
