// graft-render-icon SVG OUT.png SIZE: renders the application icon at SIZE x SIZE pixels for the
// hicolor theme's fixed-size folders (build-time tool for the package; not installed).

#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QString>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const QStringList args = QCoreApplication::arguments();
  bool sizeOk = false;
  const int size = args.size() == 4 ? args[3].toInt(&sizeOk) : 0;
  if (!sizeOk || size <= 0) {
    std::fprintf(stderr, "usage: graft-render-icon SVG OUT.png SIZE\n");
    return 2;
  }
  QSvgRenderer renderer(args[1]);
  if (!renderer.isValid()) {
    std::fprintf(stderr, "graft-render-icon: %s is not a valid SVG\n", qPrintable(args[1]));
    return 1;
  }
  QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::transparent);
  {
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    renderer.render(&painter);
  }
  // An all-transparent result means the SVG drew nothing: fail rather than install a blank icon.
  bool drawn = false;
  for (int y = 0; y < size && !drawn; ++y)
    for (int x = 0; x < size && !drawn; ++x) drawn = qAlpha(image.pixel(x, y)) != 0;
  if (!drawn) {
    std::fprintf(stderr, "graft-render-icon: %s rendered nothing at %d px\n", qPrintable(args[1]), size);
    return 1;
  }
  if (!image.save(args[2], "PNG")) {
    std::fprintf(stderr, "graft-render-icon: cannot write %s\n", qPrintable(args[2]));
    return 1;
  }
  return 0;
}
