#include "help/user_guide_window.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

namespace graft::ui {

namespace {
const QString kGuide = QStringLiteral("user-guide.md");

QStringList candidateFolders() {
  QStringList folders;
  if (const QString env = qEnvironmentVariable("GRAFT_DOCS_DIR"); !env.isEmpty()) folders << env;
  folders << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/doc/graft");
#ifdef GRAFT_DOCS_DIR
  folders << QStringLiteral(GRAFT_DOCS_DIR);  // a development build, run from its build folder
#endif
  return folders;
}
}  // namespace

QString UserGuideWindow::documentsFolder() {
  for (const QString& folder : candidateFolders())
    if (QFileInfo::exists(folder + QLatin1Char('/') + kGuide)) return QDir(folder).absolutePath();
  return {};
}

UserGuideWindow* UserGuideWindow::open(QWidget* parent) {
  const QString folder = documentsFolder();
  if (folder.isEmpty()) {
    auto* box = new QMessageBox(QMessageBox::Warning, tr("User guide not found"),
                                tr("The user guide (%1) is not in any of these folders:\n%2\n\n"
                                   "Reinstall the graft package, or set GRAFT_DOCS_DIR to the docs folder of Graft's source.")
                                    .arg(kGuide, candidateFolders().join(QLatin1Char('\n'))),
                                QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return nullptr;
  }
  auto* window = new UserGuideWindow(folder + QLatin1Char('/') + kGuide, parent);
  window->setAttribute(Qt::WA_DeleteOnClose);
  window->show();
  return window;
}

UserGuideWindow::UserGuideWindow(const QString& guide, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Graft User Guide"));
  setWindowFlag(Qt::WindowMaximizeButtonHint);
  browser_ = new QTextBrowser(this);
  browser_->setOpenExternalLinks(true);  // web links go to the browser; the docs' own links stay here
  // Pictures are window-sized: each is scaled to the page's width on every page and resize.
  connect(browser_, &QTextBrowser::sourceChanged, this, &UserGuideWindow::fitPictures);
  browser_->viewport()->installEventFilter(this);
  browser_->setSource(QUrl::fromLocalFile(guide), QTextDocument::MarkdownResource);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  QPushButton* back = buttons->addButton(tr("&Back"), QDialogButtonBox::ActionRole);
  back->setEnabled(false);
  connect(browser_, &QTextBrowser::backwardAvailable, back, &QPushButton::setEnabled);
  connect(back, &QPushButton::clicked, browser_, &QTextBrowser::backward);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(browser_);
  layout->addWidget(buttons);
  resize(1000, 800);
}

void UserGuideWindow::fitPictures() {
  QTextDocument* document = browser_->document();
  const int width = std::max(200, browser_->viewport()->width() - 2 * static_cast<int>(document->documentMargin()) - 32);
  QTextCursor cursor(document);
  for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (!fragment.charFormat().isImageFormat()) continue;
      QTextImageFormat picture = fragment.charFormat().toImageFormat();
      const QImage natural = document->resource(QTextDocument::ImageResource, QUrl(picture.name())).value<QImage>();
      if (natural.isNull() || natural.width() == 0) continue;
      const int shown = std::min(natural.width(), width);
      if (qRound(picture.width()) == shown) continue;
      picture.setWidth(shown);
      picture.setHeight(static_cast<qreal>(natural.height()) * shown / natural.width());
      cursor.setPosition(fragment.position());
      cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
      cursor.setCharFormat(picture);
    }
  }
}

bool UserGuideWindow::eventFilter(QObject* watched, QEvent* event) {
  if (watched == browser_->viewport() && event->type() == QEvent::Resize) fitPictures();
  return QDialog::eventFilter(watched, event);
}

}  // namespace graft::ui
