#include "panes/checkpoint_pane.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
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

  auto* filterRow = new QHBoxLayout;
  filterRow->setSpacing(4);
  filterEdit_ = new QLineEdit(this);
  filterEdit_->setPlaceholderText(tr("Filter %1 by name…").arg(title.toLower()));
  filterEdit_->setClearButtonEnabled(true);
  filterEdit_->setToolTip(tr("Show only layers and weights whose path contains this text (case-insensitive); "
                             "matches are highlighted, their layers stay visible"));
  regexToggle_ = new QToolButton(this);
  regexToggle_->setText(QStringLiteral(".*"));
  regexToggle_->setCheckable(true);
  regexToggle_->setAutoRaise(true);
  regexToggle_->setToolTip(tr("Treat the filter as a regular expression"));
  filterStatus_ = new QLabel(this);
  filterStatus_->setMinimumWidth(80);
  filterStatus_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  filterRow->addWidget(filterEdit_, 1);
  filterRow->addWidget(regexToggle_);
  filterRow->addWidget(filterStatus_);
  layout->addLayout(filterRow);
  connect(filterEdit_, &QLineEdit::textChanged, this, &CheckpointPane::applyFilter);
  connect(regexToggle_, &QToolButton::toggled, this, &CheckpointPane::applyFilter);

  placeholder_ = new QLabel(this);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setWordWrap(true);
  placeholder_->setEnabled(false);  // muted hint text

  model_ = new CheckpointTreeModel(this);
  tree_ = new DropPreviewTreeView(this);
  tree_->setModel(model_);
  tree_->setUniformRowHeights(true);  // lets the view skip measuring every row of a huge tree
  tree_->setAlternatingRowColors(true);
  // Layers differ at their ends (conv2d_5, conv2d_6, layer_with_weights-3): keep both ends visible.
  tree_->setTextElideMode(Qt::ElideMiddle);
  tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(CheckpointTreeModel::NameColumn, QHeaderView::Stretch);
  tree_->header()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  // Names matter most: the other columns get what their content needs, the name the rest.
  tree_->header()->setMinimumSectionSize(40);
  tree_->setColumnWidth(CheckpointTreeModel::ShapeColumn, 96);
  tree_->setColumnWidth(CheckpointTreeModel::DTypeColumn, 62);
  tree_->setColumnWidth(CheckpointTreeModel::ParamsColumn, 72);
  tree_->setColumnWidth(CheckpointTreeModel::StatusColumn, 128);  // "conflict-shape" with its icon

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

void CheckpointPane::setCheckpoint(std::shared_ptr<const Checkpoint> checkpoint, std::shared_ptr<const FlatTree> tree) {
  model_->setCheckpoint(std::move(checkpoint), std::move(tree));  // keeps the filter typed so far
  expandForFilter();
  showFilterStatus({});
  clearBusy();
}

void CheckpointPane::setShowOptimizer(bool show) {
  model_->setShowOptimizer(show);
  if (model_->filtering()) expandForFilter();
}

QString CheckpointPane::filterStatus() const { return filterStatus_->text(); }

void CheckpointPane::applyFilter() {
  const bool wasFiltering = model_->filtering();
  const QString error = model_->setFilter(filterEdit_->text(), regexToggle_->isChecked());
  showFilterStatus(error);
  if (error.isEmpty() && (model_->filtering() || wasFiltering)) expandForFilter();
}

void CheckpointPane::showFilterStatus(const QString& error) {
  QPalette p = filterStatus_->palette();
  if (!error.isEmpty()) {
    filterStatus_->setText(tr("invalid"));
    filterStatus_->setToolTip(tr("Not a valid regular expression: %1").arg(error));
    p.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
  } else if (model_->filtering()) {
    const auto n = model_->matchCount();
    filterStatus_->setText(n == 1 ? tr("1 match") : tr("%1 matches").arg(QString::fromStdString(groupedNumber(n))));
    filterStatus_->setToolTip({});
    p.setColor(QPalette::WindowText, n ? palette().color(QPalette::WindowText) : QColor(0xc6, 0x28, 0x28));
  } else {
    filterStatus_->clear();
    filterStatus_->setToolTip({});
  }
  filterStatus_->setPalette(p);
}

void CheckpointPane::expandForFilter() {
  const TreeProjection& projection = model_->projection();
  if (!projection.root()) return;
  // Called right after a model reset or layout change, while the view's relayout is still
  // pending: each expansion is then only recorded, not laid out, so hundreds cost little.
  // Branches the user opened stay open (what a filter found stays in view when it is cleared).
  int budget = 2000;  // rows revealed
  if (!model_->filtering()) {
    // Top-level layers open for a model of ordinary size; a huge flat one stays collapsed.
    const std::size_t top = projection.childCount(projection.root());
    if (top > 300) return;
    for (std::size_t r = 0; r < top && budget > 0; ++r) {
      const Node* c = projection.child(projection.root(), r);
      if (!projection.childCount(c)) continue;
      tree_->setExpanded(model_->indexOf(c), true);
      budget -= static_cast<int>(projection.childCount(c));
    }
  } else {
    // Pre-order over shown branches: every shown branch leads to a match or is one.
    std::vector<const Node*> stack{projection.root()};
    while (!stack.empty() && budget > 0) {
      const Node* n = stack.back();
      stack.pop_back();
      const std::size_t kids = projection.childCount(n);
      if (!kids) continue;
      if (n != projection.root()) tree_->setExpanded(model_->indexOf(n), true);
      budget -= static_cast<int>(kids);
      for (std::size_t r = kids; r-- > 0;) stack.push_back(projection.child(n, r));
    }
  }
  if (tree_->currentIndex().isValid()) tree_->scrollTo(tree_->currentIndex());
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
