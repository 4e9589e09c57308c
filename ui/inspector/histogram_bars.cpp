#include "inspector/histogram_bars.h"

namespace graft::ui {

void HistogramBars::draw(QCPPainter* painter) {
  QCPAxis* keys = keyAxis();
  QCPAxis* values = valueAxis();
  if (!keys || !values || data()->isEmpty()) return;
  // Zero on a log axis maps below the axis rect, where the clip cuts the shape off cleanly.
  const double base = values->coordToPixel(baseValue());
  const double half = width() / 2;
  QPolygonF top;  // the stepped upper edge, two points per bin, left to right
  int first = -1, last = -1;  // the outermost bins that hold values
  for (auto it = data()->constBegin(); it != data()->constEnd(); ++it) {
    if (it->value > 0) {
      if (first < 0) first = static_cast<int>(top.size());
      last = static_cast<int>(top.size()) + 1;
    }
    const double y = values->coordToPixel(it->value);
    top << QPointF(keys->coordToPixel(it->key - half), y) << QPointF(keys->coordToPixel(it->key + half), y);
  }

  applyDefaultAntialiasingHint(painter);
  QPolygonF shape = top;
  shape.prepend(QPointF(top.first().x(), base));
  shape.append(QPointF(top.last().x(), base));
  painter->setPen(Qt::NoPen);
  painter->setBrush(brush());
  painter->drawPolygon(shape);
  if (pen().style() == Qt::NoPen || first < 0) return;
  // Outline only where there are values: empty tails would paint over the value axis.
  QPolygonF outline = top.mid(first, last - first + 1);
  outline.prepend(QPointF(outline.first().x(), base));
  outline.append(QPointF(outline.last().x(), base));
  painter->setPen(pen());
  painter->setBrush(Qt::NoBrush);
  painter->drawPolyline(outline);
}

}  // namespace graft::ui
