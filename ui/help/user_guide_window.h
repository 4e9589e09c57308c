#pragma once
// Help › User Guide: docs/user-guide.md rendered in the window itself (Markdown with its
// screenshots; links to the other documents open in place), so it works without a browser.

#include <QDialog>

class QTextBrowser;

namespace graft::ui {

class UserGuideWindow : public QDialog {
  Q_OBJECT
 public:
  // Where the documents are: $GRAFT_DOCS_DIR, share/doc/graft beside the installed program, or
  // the source tree's docs/ (a development build). Empty when none holds user-guide.md.
  static QString documentsFolder();

  // Shows the guide; when it cannot be found, says where it looked and what to do.
  static UserGuideWindow* open(QWidget* parent);

  QTextBrowser* browser() const { return browser_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  UserGuideWindow(const QString& guide, QWidget* parent);
  void fitPictures();
  QTextBrowser* browser_;
};

}  // namespace graft::ui
