#pragma once
// Histograms as QCustomPlot bars: one variable, or a pair overlaid in translucent colours with
// a legend (their bins must be the same). Drag or wheel pans and zooms the value axis; a
// double click resets it; hovering a bin shows its edges and counts.

#include <QColor>
#include <QString>
#include <QWidget>

#include <vector>

#include "stats/tensor_statistics.h"

class QCustomPlot;
class QCPBars;
class QCPLayoutGrid;
class QMouseEvent;

namespace graft::ui {

struct HistogramSeries {
  QString name;
  QColor color;
  HistogramResult histogram;
};

class HistogramPlot : public QWidget {
  Q_OBJECT
 public:
  explicit HistogramPlot(QWidget* parent = nullptr);

  // Every series has the same lo, hi and bin count.
  void setSeries(std::vector<HistogramSeries> series);
  void clear();
  void setLogScale(bool logarithmic);
  bool logScale() const { return logarithmic_; }
  // The bin width of what is shown, 0 when nothing is.
  double binWidth() const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

  QCustomPlot* customPlot() const { return plot_; }
  std::vector<QCPBars*> bars() const;

 protected:
  void showEvent(QShowEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void resetRanges();
  void showLegend(bool visible);
  void applyPalette();
  void showBinToolTip(QMouseEvent* event);
  void replot();

  QCustomPlot* plot_;
  std::vector<HistogramSeries> series_;
  bool logarithmic_ = false;
  QCPLayoutGrid* legendRow_ = nullptr;  // above the axes while a legend is shown
};

}  // namespace graft::ui
