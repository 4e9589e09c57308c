#pragma once
// A one-line label that elides long text to fit its width; the full text is its tool tip and
// what "Copy" copies.

#include <QLabel>

namespace graft::ui {

class ElidedLabel : public QLabel {
  Q_OBJECT
 public:
  explicit ElidedLabel(QWidget* parent = nullptr);

  void setFullText(const QString& text);
  void setElideMode(Qt::TextElideMode mode);
  const QString& fullText() const { return fullText_; }
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void elide();

  QString fullText_;
  Qt::TextElideMode mode_ = Qt::ElideMiddle;
};

}  // namespace graft::ui
