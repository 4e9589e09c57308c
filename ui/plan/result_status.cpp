#include "plan/result_status.h"

#include <QObject>
#include <QPainter>
#include <QPixmap>

#include <map>

namespace graft::ui {

namespace {

// Conflicts outrank changes, changes outrank keeping: a layer shows its most urgent state.
int urgency(SlotStatus s) {
  switch (s) {
    case SlotStatus::ConflictShape: case SlotStatus::ConflictDType: case SlotStatus::ConflictMissing: return 5;
    case SlotStatus::Converted: return 4;
    case SlotStatus::Replaced: return 3;
    case SlotStatus::Added: return 2;
    case SlotStatus::Dropped: return 1;
    case SlotStatus::Unchanged: return 0;
  }
  return 0;
}

QString symbol(SlotStatus s) {
  switch (s) {
    case SlotStatus::Replaced: return QStringLiteral("✓");
    case SlotStatus::Converted: return QStringLiteral("⇄");
    case SlotStatus::Added: return QStringLiteral("+");
    case SlotStatus::Dropped: return QStringLiteral("−");
    case SlotStatus::ConflictShape: case SlotStatus::ConflictDType: case SlotStatus::ConflictMissing: return QStringLiteral("!");
    case SlotStatus::Unchanged: return QStringLiteral("·");
  }
  return {};
}

}  // namespace

QColor statusColor(SlotStatus s) {
  switch (s) {
    case SlotStatus::Replaced: return QColor(0x2e, 0x7d, 0x32);   // green
    case SlotStatus::Converted: return QColor(0x15, 0x65, 0xc0);  // blue
    case SlotStatus::Added: return QColor(0x6a, 0x1b, 0x9a);      // purple
    case SlotStatus::Dropped: return QColor(0x61, 0x61, 0x61);    // grey
    case SlotStatus::ConflictShape: case SlotStatus::ConflictDType: case SlotStatus::ConflictMissing:
      return QColor(0xc6, 0x28, 0x28);                             // red
    case SlotStatus::Unchanged: return QColor(0x9e, 0x9e, 0x9e);
  }
  return {};
}

QString statusLabel(SlotStatus s) { return QString::fromLatin1(slotStatusName(s).data()); }

QIcon statusIcon(SlotStatus s) {
  static std::map<SlotStatus, QIcon> cache;
  if (auto it = cache.find(s); it != cache.end()) return it->second;
  QIcon icon;
  for (int size : {16, 32}) {  // 1x and 2x device pixel ratios
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(statusColor(s));
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), size / 4.0, size / 4.0);
    QFont f = p.font();
    f.setBold(true);
    f.setPixelSize(size * 3 / 4);
    p.setFont(f);
    p.setPen(Qt::white);
    p.drawText(QRect(0, 0, size, size), Qt::AlignCenter, symbol(s));
    p.end();
    icon.addPixmap(pm);
  }
  cache.emplace(s, icon);
  return icon;
}

NodeStatuses computeNodeStatuses(const MergeEvaluation& evaluation, const ResultAdditions& additions) {
  NodeStatuses out;
  std::unordered_map<const Node*, std::map<SlotStatus, int>> counts;
  for (const auto& slot : evaluation.slots) {
    const Node* node = slot.target ? slot.target : additions.nodeFor(slot);
    if (!node || slot.operation < 0) continue;
    out[node] = {slot.status, statusLabel(slot.status), QString::fromStdString(slot.message)};
    for (const Node* p = additions.parentOf(node); p && additions.parentOf(p); p = additions.parentOf(p)) ++counts[p][slot.status];
  }
  for (const auto& [node, byStatus] : counts) {
    NodeStatus st;
    QStringList parts, details;
    int conflicts = 0;
    bool first = true;
    for (const auto& [status, n] : byStatus) {
      if (first || urgency(status) > urgency(st.status)) st.status = status;
      first = false;
      details << QStringLiteral("%1 %2").arg(n).arg(statusLabel(status));
      if (isConflict(status))
        conflicts += n;
      else
        parts << QStringLiteral("%1 %2").arg(n).arg(statusLabel(status));
    }
    // A layer's cell stays short: all kinds of conflict count as one; the tooltip has detail.
    if (conflicts) parts.prepend(conflicts == 1 ? QObject::tr("1 conflict") : QObject::tr("%1 conflicts").arg(conflicts));
    st.text = parts.join(QStringLiteral(", "));
    st.message = details.join(QStringLiteral(", "));
    out[node] = st;
  }
  return out;
}

}  // namespace graft::ui
