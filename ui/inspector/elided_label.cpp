#include "inspector/elided_label.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>

namespace graft::ui {

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent) {
  setTextFormat(Qt::PlainText);
  setContextMenuPolicy(Qt::ActionsContextMenu);
  auto* copy = new QAction(tr("Copy"), this);
  connect(copy, &QAction::triggered, this, [this] { QGuiApplication::clipboard()->setText(fullText_); });
  addAction(copy);
}

void ElidedLabel::setFullText(const QString& text) {
  fullText_ = text;
  setToolTip(text);
  elide();
  updateGeometry();
}

QSize ElidedLabel::sizeHint() const {
  const QFontMetrics metrics(font());
  return {metrics.horizontalAdvance(fullText_) + 2, metrics.height()};
}

// Any width fits once the text elides, so the dock never grows for a long key.
QSize ElidedLabel::minimumSizeHint() const {
  const QFontMetrics metrics(font());
  return {metrics.horizontalAdvance(QStringLiteral("…")) * 4, metrics.height()};
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  elide();
}

void ElidedLabel::setElideMode(Qt::TextElideMode mode) {
  mode_ = mode;
  elide();
}

void ElidedLabel::elide() { setText(fontMetrics().elidedText(fullText_, mode_, width())); }

}  // namespace graft::ui
