#include "inspector/inspector_dock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

#include "inspector/facts_view.h"
#include "inspector/histogram_plot.h"
#include "inspector/number_text.h"
#include "panes/checkpoint_tree_model.h"
#include "plan/plan_document.h"
#include "plan/result_status.h"

namespace graft::ui {
namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString sideName(InspectorDock::Side side) {
  return side == InspectorDock::Side::Source ? InspectorDock::tr("Source") : InspectorDock::tr("Target");
}

// Whether node lies in the tree of checkpoint (a pane can briefly show another file than the plan).
bool belongsTo(const Node* node, const Checkpoint* checkpoint) {
  if (!node || !checkpoint) return false;
  while (node->parent()) node = node->parent();
  return node == &checkpoint->root();
}

QString mutedHtml(const QWidget* w, const QString& html) {
  return QStringLiteral("<span style='color:%1'>%2</span>").arg(w->palette().color(QPalette::PlaceholderText).name(), html);
}

}  // namespace

InspectorDock::InspectorDock(PlanDocument* document, QWidget* parent) : QDockWidget(tr("Inspector"), parent), document_(document) {
  setObjectName(QStringLiteral("InspectorDock"));
  pool_.setMaxThreadCount(1);  // one computation at a time; a superseded one stops at its next chunk

  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(6, 4, 6, 4);
  layout->setSpacing(4);
  title_ = new QLabel(body);
  title_->setTextFormat(Qt::RichText);
  title_->setWordWrap(true);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  subtitle_ = new QLabel(body);
  subtitle_->setTextFormat(Qt::RichText);
  subtitle_->setWordWrap(true);
  pairChooser_ = new QComboBox(body);
  pairChooser_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  pairChooser_->setMinimumContentsLength(16);
  pairChooser_->setToolTip(tr("The variable pairs this operation writes"));
  pairChooser_->hide();
  connect(pairChooser_, &QComboBox::activated, this, &InspectorDock::showOperationPair);
  layout->addWidget(title_);
  layout->addWidget(subtitle_);
  layout->addWidget(pairChooser_);

  // Facts scroll when the dock is short; the histogram keeps the rest of the height.
  auto* splitter = new QSplitter(Qt::Vertical, body);
  splitter->setChildrenCollapsible(false);
  auto* scroll = new QScrollArea(splitter);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  facts_ = new FactsView(scroll);
  scroll->setWidget(facts_);
  auto* plotPanel = new QWidget(splitter);
  buildControls(plotPanel);
  splitter->addWidget(scroll);
  splitter->addWidget(plotPanel);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  layout->addWidget(splitter, 1);
  setWidget(body);

  connect(document_, &PlanDocument::checkpointsChanged, this, &InspectorDock::forgetReplacedCheckpoints);
  clear();
}

void InspectorDock::buildControls(QWidget* panel) {
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(0, 4, 0, 0);
  layout->setSpacing(4);
  auto* controls = new QHBoxLayout;
  logScale_ = new QCheckBox(tr("Log y"), panel);
  logScale_->setToolTip(tr("Logarithmic counts: rare values and long tails stay visible"));
  binCount_ = new QSpinBox(panel);
  binCount_->setRange(10, 1000);
  binCount_->setValue(kDefaultBins);
  binCount_->setAccelerated(true);
  binCount_->setToolTip(tr("Histogram bins over the finite values (a pair shares one range)"));
  auto* binsLabel = new QLabel(tr("Bins"), panel);
  binsLabel->setBuddy(binCount_);
  status_ = new QLabel(panel);
  status_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  progress_ = new QProgressBar(panel);
  progress_->setTextVisible(false);
  progress_->setMaximumWidth(90);
  progress_->setMaximumHeight(status_->fontMetrics().height());
  QSizePolicy keep = progress_->sizePolicy();
  keep.setRetainSizeWhenHidden(true);  // showing it must not shift the controls
  progress_->setSizePolicy(keep);
  progress_->hide();
  controls->addWidget(logScale_);
  controls->addSpacing(8);
  controls->addWidget(binsLabel);
  controls->addWidget(binCount_);
  controls->addStretch(1);
  controls->addWidget(status_);
  controls->addWidget(progress_);
  layout->addLayout(controls);

  plotStack_ = new QStackedWidget(panel);
  plot_ = new HistogramPlot(plotStack_);
  placeholder_ = new QLabel(plotStack_);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setWordWrap(true);
  placeholder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  placeholder_->setMargin(12);
  plotStack_->addWidget(plot_);
  plotStack_->addWidget(placeholder_);
  layout->addWidget(plotStack_, 1);

  connect(logScale_, &QCheckBox::toggled, plot_, &HistogramPlot::setLogScale);
  // Arrow keys and typing step through values: recompute once the count settles.
  binsSettle_ = new QTimer(this);
  binsSettle_->setSingleShot(true);
  binsSettle_->setInterval(250);
  connect(binCount_, &QSpinBox::valueChanged, binsSettle_, qOverload<>(&QTimer::start));
  connect(binsSettle_, &QTimer::timeout, this, [this] {
    if (!shown_.empty()) startComputation();
  });
}

InspectorDock::~InspectorDock() {
  if (cancel_) cancel_->cancel();
  pool_.waitForDone();  // the worker posts to this object; it must be done first
}

QColor InspectorDock::sideColor(Side side) {
  // matplotlib's first two colours: what researchers already read as "this one, that one".
  return side == Side::Source ? QColor(0x1f, 0x77, 0xb4) : QColor(0xff, 0x7f, 0x0e);
}

QString InspectorDock::title() const { return title_->text(); }
QString InspectorDock::placeholderText() const { return plotStack_->currentWidget() == placeholder_ ? placeholder_->text() : QString(); }

std::shared_ptr<const Checkpoint> InspectorDock::checkpointOf(Side side) const {
  return side == Side::Source ? document_->sourceShared() : document_->targetShared();
}

void InspectorDock::inspectSourceIndex(const QModelIndex& index) { inspectIndex(Side::Source, index); }
void InspectorDock::inspectTargetIndex(const QModelIndex& index) { inspectIndex(Side::Target, index); }

void InspectorDock::inspectIndex(Side side, const QModelIndex& index) {
  const auto* model = qobject_cast<const CheckpointTreeModel*>(index.model());
  inspectNode(side, model ? model->nodeAt(index.siblingAtColumn(0)) : nullptr);
}

void InspectorDock::inspectNode(Side side, const Node* node) {
  if (!node) return;  // a tree without a current row: keep what is shown
  // Showing an operation selects its ends in the trees; those echoes keep the operation on screen.
  if (operation_ >= 0)
    for (const Shown& s : shown_)
      if (s.side == side && s.variable.node == node) return;
  std::shared_ptr<const Checkpoint> checkpoint = checkpointOf(side);
  if (!belongsTo(node, checkpoint.get())) return;
  operation_ = -1;
  operationPairs_.clear();
  pairChooser_->hide();
  const QString file = QFileInfo(qs(checkpoint->path().string())).fileName();
  if (node->isVariable()) {
    showVariables({{{checkpoint, node}, side}}, qs(node->path()), tr("%1 variable · %2").arg(sideName(side), file));
    return;
  }
  abandonComputation();
  shown_.clear();
  shownGroup_ = {{checkpoint, node}, side};
  QString kind = node->kind() == NodeKind::Layer ? tr("layer") : tr("group");
  if (!node->layerClass().empty()) kind = qs(node->layerClass()) + QLatin1Char(' ') + kind;
  setTitle(qs(node->path()), tr("%1 %2 · %3").arg(sideName(side), kind, file));
  facts_->showGroup(*node);
  showPlaceholder(tr("Layers show their totals.\nSelect one of its weights to see its values."));
}

void InspectorDock::inspectOperation(int operation) {
  const auto& operations = document_->plan().operations;
  if (operation < 0 || operation >= static_cast<int>(operations.size())) return;
  operation_ = operation;
  operationPairs_.clear();
  for (const ResultSlot& slot : document_->evaluation().slots)
    if (slot.operation == operation && (slot.source || slot.target)) operationPairs_.push_back({slot.source, slot.target, slot.status});
  pairChooser_->clear();
  for (const OperationPair& p : operationPairs_) {
    const QString from = p.source ? qs(p.source->path()) : tr("(nothing)");
    const QString to = p.target ? qs(p.target->path()) : tr("(added)");
    pairChooser_->addItem(statusIcon(p.status), QStringLiteral("%1 → %2").arg(from, to));
  }
  pairChooser_->setVisible(operationPairs_.size() > 1);  // a layer copy writes several pairs
  if (operationPairs_.empty()) {
    abandonComputation();
    shown_.clear();
    shownGroup_ = {};
    const Operation& op = operations[static_cast<std::size_t>(operation)];
    setTitle(QStringLiteral("%1 → %2").arg(qs(op.source), qs(op.target)), QString::fromLatin1(operationKindName(op.kind).data()));
    facts_->clear();
    showPlaceholder(tr("This operation writes no variable of the checkpoints."));
    return;
  }
  pairChooser_->setCurrentIndex(0);
  showOperationPair(0);
}

void InspectorDock::showOperationPair(int choice) {
  if (operation_ < 0 || choice < 0 || choice >= static_cast<int>(operationPairs_.size())) return;
  const OperationPair& p = operationPairs_[static_cast<std::size_t>(choice)];
  const Operation& op = document_->plan().operations[static_cast<std::size_t>(operation_)];
  QString subtitle = QString::fromLatin1(operationKindName(op.kind).data());
  if (!op.reason.empty()) subtitle += QStringLiteral(" · ") + qs(op.reason).toHtmlEscaped();
  subtitle += QStringLiteral(" · <span style='color:%1'>%2</span>").arg(statusColor(p.status).name(), statusLabel(p.status));
  inspectPair(p.source, p.target, subtitle);
}

void InspectorDock::inspectPair(const Node* source, const Node* target, const QString& subtitle) {
  std::vector<Shown> shown;
  if (source && belongsTo(source, document_->source())) shown.push_back({{document_->sourceShared(), source}, Side::Source});
  if (target && belongsTo(target, document_->target())) shown.push_back({{document_->targetShared(), target}, Side::Target});
  if (shown.empty()) {
    clear();
    return;
  }
  const QString from = source ? qs(source->path()) : tr("(nothing)");
  const QString to = target ? qs(target->path()) : tr("(added)");
  showVariables(std::move(shown), QStringLiteral("%1 → %2").arg(from, to), subtitle);
}

void InspectorDock::showVariables(std::vector<Shown> shown, const QString& title, const QString& subtitle) {
  abandonComputation();
  shown_ = std::move(shown);
  shownGroup_ = {};
  setTitle(title, subtitle);
  std::vector<FactsView::Column> columns;
  for (const Shown& s : shown_) columns.push_back({s.variable.node, sideName(s.side), sideColor(s.side)});
  facts_->showVariables(columns);
  bool anyValues = false;
  for (const Shown& s : shown_) anyValues = anyValues || hasStatistics(s.variable.node->tensor()->dtype);
  if (!anyValues) {
    showPlaceholder(tr("No statistics for %1 tensors.").arg(QString::fromLatin1(dtypeName(shown_.front().variable.node->tensor()->dtype).data())));
    return;
  }
  startComputation();
}

void InspectorDock::clear() {
  abandonComputation();
  shown_.clear();
  shownGroup_ = {};
  operation_ = -1;
  operationPairs_.clear();
  pairChooser_->hide();
  setTitle(tr("Nothing selected"), {});
  facts_->clear();
  showPlaceholder(tr("Select a weight in either tree, or an operation in the plan, to see its values here."));
}

void InspectorDock::setTitle(const QString& title, const QString& subtitle) {
  title_->setText(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
  title_->setToolTip(title);
  subtitle_->setText(mutedHtml(this, subtitle));
  subtitle_->setVisible(!subtitle.isEmpty());
}

void InspectorDock::showPlaceholder(const QString& text) {
  plot_->clear();
  placeholder_->setText(text);
  plotStack_->setCurrentWidget(placeholder_);
  const bool values = !shown_.empty();
  logScale_->setEnabled(values);
  binCount_->setEnabled(values);
  status_->clear();
}

void InspectorDock::abandonComputation() {
  if (cancel_) cancel_->cancel();
  cancel_.reset();
  ++generation_;  // whatever the old computation returns is now stale
  computing_ = false;
  progress_->hide();
  binsSettle_->stop();
}

void InspectorDock::startComputation() {
  abandonComputation();
  const quint64 generation = generation_;
  auto cancel = std::make_shared<CancelToken>();
  cancel_ = cancel;
  computing_ = true;
  InspectionRequest request;
  for (const Shown& s : shown_) request.variables.push_back(s.variable);
  request.bins = static_cast<std::size_t>(binCount_->value());

  logScale_->setEnabled(true);
  binCount_->setEnabled(true);
  plot_->clear();  // empty axes, not the previous selection's bars
  plotStack_->setCurrentWidget(plot_);
  status_->setText(tr("computing…"));
  progress_->setRange(0, 0);  // indeterminate until the first chunk reports
  progress_->show();

  // From the computation's threads: post at most one update per permille.
  auto lastPermille = std::make_shared<std::atomic<int>>(-1);
  auto progress = [this, generation, lastPermille](double fraction) {
    const int permille = static_cast<int>(fraction * 1000);
    if (lastPermille->exchange(permille) == permille) return;
    QMetaObject::invokeMethod(this, [this, generation, fraction] { applyProgress(generation, fraction); }, Qt::QueuedConnection);
  };
  auto* watcher = new QFutureWatcher<InspectionResult>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
    applyResult(generation, watcher->result());
    watcher->deleteLater();
  });
  watcher->setFuture(QtConcurrent::run(&pool_, [request = std::move(request), cancel, progress] {
    return runInspection(request, *cancel, progress);
  }));
}

void InspectorDock::applyProgress(quint64 generation, double fraction) {
  if (generation != generation_ || !computing_) return;
  progress_->setRange(0, 1000);
  progress_->setValue(static_cast<int>(fraction * 1000));
}

void InspectorDock::applyResult(quint64 generation, const InspectionResult& result) {
  if (generation != generation_ || result.cancelled) {
    ++droppedResults_;
    return;
  }
  computing_ = false;
  progress_->hide();
  status_->clear();
  facts_->showFindings(result);

  std::vector<HistogramSeries> series;
  QStringList problems;
  for (std::size_t i = 0; i < result.variables.size() && i < shown_.size(); ++i) {
    const VariableFindings& f = result.variables[i];
    if (!f.error.empty()) problems << tr("%1: %2").arg(sideName(shown_[i].side), qs(f.error));
    if (f.statistics && f.statistics->histogram)
      series.push_back({sideName(shown_[i].side), sideColor(shown_[i].side), *f.statistics->histogram});
  }
  if (!problems.isEmpty()) {
    showPlaceholder(tr("Cannot read the values.\n%1").arg(problems.join(QLatin1Char('\n'))));
  } else if (series.empty()) {
    showPlaceholder(tr("No finite values to plot."));
  } else {
    plotStack_->setCurrentWidget(plot_);
    plot_->setSeries(std::move(series));
    status_->setText(tr("bin width %1").arg(valueText(plot_->binWidth())));
  }
  Q_EMIT histogramReady();
}

void InspectorDock::forgetReplacedCheckpoints() {
  auto replaced = [this](const Shown& s) { return s.variable.node && s.variable.checkpoint != checkpointOf(s.side); };
  bool stale = replaced(shownGroup_);
  for (const Shown& s : shown_) stale = stale || replaced(s);
  if (stale) clear();
}

}  // namespace graft::ui
