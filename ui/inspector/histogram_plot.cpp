#include "inspector/histogram_plot.h"

#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

#include "inspector/histogram_bars.h"
#include "inspector/number_text.h"

namespace graft::ui {
namespace {

// numpy's edges: edge[i] = i * ((hi - lo) / bins) + lo, the last one exactly hi.
double edge(const HistogramResult& h, std::size_t i) {
  if (i >= h.counts.size()) return h.hi;
  return static_cast<double>(i) * ((h.hi - h.lo) / static_cast<double>(h.counts.size())) + h.lo;
}

}  // namespace

HistogramPlot::HistogramPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->xAxis->setLabel(tr("value"));
  plot_->yAxis->setLabel(tr("count"));
  plot_->xAxis->grid()->setVisible(false);  // bars are their own vertical guides
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal);  // counts rescale on their own; values are explored
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);
  // The legend sits in a row above the axes, so it never hides a bar.
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot_->legend->setIconSize(14, 10);
  plot_->legend->setColumnSpacing(12);
  plot_->legend->setVisible(false);
  connect(plot_, &QCustomPlot::mouseMove, this, &HistogramPlot::showBinToolTip);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
    resetRanges();
    replot();
  });
  applyPalette();
}

// In text units, so the plot keeps its proportions at any font size and pixel ratio.
QSize HistogramPlot::sizeHint() const {
  const QFontMetrics m(font());
  return {m.averageCharWidth() * 58, m.height() * 15};
}

QSize HistogramPlot::minimumSizeHint() const {
  const QFontMetrics m(font());
  return {m.averageCharWidth() * 28, m.height() * 9};
}

void HistogramPlot::setSeries(std::vector<HistogramSeries> series) {
  series_ = std::move(series);
  plot_->clearPlottables();
  const bool overlay = series_.size() > 1;
  for (const HistogramSeries& s : series_) {
    const HistogramResult& h = s.histogram;
    const std::size_t bins = h.counts.size();
    if (bins == 0) continue;
    QVector<double> keys(static_cast<qsizetype>(bins));
    QVector<double> values(static_cast<qsizetype>(bins));
    for (std::size_t i = 0; i < bins; ++i) {
      keys[static_cast<qsizetype>(i)] = (edge(h, i) + edge(h, i + 1)) / 2;
      values[static_cast<qsizetype>(i)] = static_cast<double>(h.counts[i]);
    }
    auto* bars = new HistogramBars(plot_->xAxis, plot_->yAxis);
    bars->setName(s.name);
    bars->setWidthType(QCPBars::wtPlotCoords);
    bars->setWidth((h.hi - h.lo) / static_cast<double>(bins));
    QColor fill = s.color;
    fill.setAlpha(overlay ? 90 : 170);  // translucent when overlaid, so both shapes stay visible
    bars->setBrush(fill);
    bars->setPen(QPen(s.color, 1.2));  // the outline tells overlapping shapes apart
    bars->setAntialiased(false);       // crisp steps on whole pixels
    bars->setSelectable(QCP::stNone);
    bars->setData(keys, values, true);
  }
  showLegend(overlay);
  resetRanges();
  replot();
}

void HistogramPlot::clear() { setSeries({}); }

void HistogramPlot::showLegend(bool visible) {
  QCPLayoutGrid* layout = plot_->plotLayout();
  if (visible && !legendRow_) {
    // A row above the axes: the legend, then a filler that takes the rest of the width.
    legendRow_ = new QCPLayoutGrid;
    layout->insertRow(0);
    layout->addElement(0, 0, legendRow_);
    layout->setRowStretchFactor(0, 0.001);  // as tall as the legend needs, no more
    legendRow_->addElement(0, 0, plot_->legend);
    legendRow_->addElement(0, 1, new QCPLayoutElement(plot_));
    legendRow_->setColumnStretchFactor(0, 0.001);
  } else if (!visible && legendRow_) {
    legendRow_->take(plot_->legend);  // the plot owns its legend: keep it
    layout->remove(legendRow_);
    layout->simplify();  // drops the empty row
    legendRow_ = nullptr;
  }
  plot_->legend->setVisible(visible);
}

std::vector<QCPBars*> HistogramPlot::bars() const {
  std::vector<QCPBars*> out;
  for (int i = 0; i < plot_->plottableCount(); ++i)
    if (auto* b = qobject_cast<QCPBars*>(plot_->plottable(i))) out.push_back(b);
  return out;
}

double HistogramPlot::binWidth() const {
  if (series_.empty() || series_.front().histogram.counts.empty()) return 0;
  const HistogramResult& h = series_.front().histogram;
  return (h.hi - h.lo) / static_cast<double>(h.counts.size());
}

void HistogramPlot::setLogScale(bool logarithmic) {
  logarithmic_ = logarithmic;
  QCPAxis* y = plot_->yAxis;
  if (logarithmic) {
    y->setScaleType(QCPAxis::stLogarithmic);
    y->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    y->setNumberFormat(QStringLiteral("eb"));  // 10^3, drawn with a superscript
    y->setNumberPrecision(0);
  } else {
    y->setScaleType(QCPAxis::stLinear);
    y->setTicker(QSharedPointer<QCPAxisTicker>::create());
    y->setNumberFormat(QStringLiteral("gb"));
    y->setNumberPrecision(6);
  }
  resetRanges();
  replot();
}

void HistogramPlot::resetRanges() {
  if (series_.empty() || series_.front().histogram.counts.empty()) {
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(logarithmic_ ? 1 : 0, 10);
    return;
  }
  const HistogramResult& h = series_.front().histogram;
  const double pad = (h.hi - h.lo) * 0.02;
  plot_->xAxis->setRange(h.lo - pad, h.hi + pad);
  std::uint64_t highest = 1;
  for (const HistogramSeries& s : series_)
    for (std::uint64_t c : s.histogram.counts) highest = std::max(highest, c);
  const auto top = static_cast<double>(highest);
  // Log: a bin of 1 still shows as a stub above the axis.
  if (logarithmic_)
    plot_->yAxis->setRange(0.7, std::max(10.0, top * 4));
  else
    plot_->yAxis->setRange(0, top * 1.06);
}

void HistogramPlot::applyPalette() {
  const QPalette p = palette();
  const QColor text = p.color(QPalette::Text);
  const QColor muted = p.color(QPalette::PlaceholderText);
  plot_->setBackground(p.brush(QPalette::Base));
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
    axis->setBasePen(QPen(muted, 0));
    axis->setTickPen(QPen(muted, 0));
    axis->setSubTickPen(QPen(muted, 0));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(p.color(QPalette::Midlight), 0, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
  }
  plot_->legend->setBrush(Qt::NoBrush);  // a caption row above the axes needs no box
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->legend->setTextColor(text);
}

void HistogramPlot::replot() {
  // Draw at the screen's pixel ratio (2x on HiDPI), which can change when the window moves.
  const double ratio = devicePixelRatioF();
  if (!qFuzzyCompare(plot_->bufferDevicePixelRatio(), ratio)) plot_->setBufferDevicePixelRatio(ratio);
  plot_->replot();
}

void HistogramPlot::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  replot();
}

void HistogramPlot::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) {
    applyPalette();
    replot();
  }
}

void HistogramPlot::showBinToolTip(QMouseEvent* event) {
  if (series_.empty() || series_.front().histogram.counts.empty() || !plot_->axisRect()->rect().contains(event->position().toPoint())) {
    QToolTip::hideText();
    return;
  }
  const HistogramResult& h = series_.front().histogram;
  const double x = plot_->xAxis->pixelToCoord(event->position().x());
  if (x < h.lo || x > h.hi) {
    QToolTip::hideText();
    return;
  }
  const std::size_t bins = h.counts.size();
  std::size_t bin = std::min(bins - 1, static_cast<std::size_t>((x - h.lo) / binWidth()));
  while (bin > 0 && x < edge(h, bin)) --bin;  // the estimate can be one off at an edge
  while (bin + 1 < bins && x >= edge(h, bin + 1)) ++bin;
  QString text = QStringLiteral("[%1, %2%3").arg(valueText(edge(h, bin)), valueText(edge(h, bin + 1)), bin + 1 == bins ? "]" : ")");
  for (const HistogramSeries& s : series_)
    if (bin < s.histogram.counts.size())
      text += QStringLiteral("\n%1%2").arg(series_.size() > 1 ? s.name + QStringLiteral(": ") : QString(), countText(s.histogram.counts[bin]));
  QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
}

}  // namespace graft::ui
