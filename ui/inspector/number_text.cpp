#include "inspector/number_text.h"

#include <cmath>

#include "text/units.h"

namespace graft::ui {

QString valueText(double value) {
  if (std::isnan(value)) return QStringLiteral("—");
  if (std::isinf(value)) return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
  if (value == 0) return QStringLiteral("0");  // not "-0"
  return QString::number(value, 'g', 5);
}

QString countText(std::uint64_t count) { return QString::fromStdString(groupedNumber(count)); }

QString shareText(std::uint64_t count, std::uint64_t total) {
  if (count == 0 || total == 0) return countText(count);
  const double percent = 100.0 * static_cast<double>(count) / static_cast<double>(total);
  // Two significant digits for small shares, so 0.0012% does not read as 0%.
  const QString share = percent >= 1 ? QString::number(percent, 'f', 1) : QString::number(percent, 'g', 2);
  return QStringLiteral("%1 (%2%)").arg(countText(count), share);
}

QString bytesText(std::uint64_t bytes) { return QString::fromStdString(humanBytes(bytes)); }

QString cosineText(double cosine) {
  if (std::isnan(cosine)) return QStringLiteral("—");
  return QString::number(cosine, 'f', 6);  // closeness to 1 is what matters: fixed decimals
}

}  // namespace graft::ui
