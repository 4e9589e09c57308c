#include "panes/isolated_parse_check.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QProcess>

#include <cstring>
#include <exception>

#include "formats/file_probe.h"
#include "formats/format_registry.h"

namespace graft::ui {

namespace {

constexpr int kProbeRefused = 4;                // graft-cli's exit code for "refused with a clear error"
constexpr int kProbeTimeoutMs = 2 * 60 * 1000;  // the 100,000-variable Keras 2 file takes ~4 s

// What a file looked like when it last passed: a changed file is probed again.
struct Passed {
  qint64 size;
  QDateTime modified;
};

QMutex passedMutex;
QHash<QString, Passed> passedFiles;

bool passedBefore(const QFileInfo& file) {
  const QMutexLocker lock(&passedMutex);
  const auto it = passedFiles.constFind(file.absoluteFilePath());
  return it != passedFiles.cend() && it->size == file.size() && it->modified == file.lastModified();
}

void rememberPassed(const QFileInfo& file) {
  const QMutexLocker lock(&passedMutex);
  passedFiles.insert(file.absoluteFilePath(), {file.size(), file.lastModified()});
}

QString lastLine(const QByteArray& text) {
  const QList<QByteArray> lines = text.trimmed().split('\n');
  return lines.isEmpty() ? QString() : QString::fromLocal8Bit(lines.last()).trimmed();
}

QString unaffected() {
  return QCoreApplication::translate("IsolatedParseCheck",
                                     "The file was read in a separate checking process, so this window and your plan are unaffected. "
                                     "The file is probably damaged or deliberately malformed: get a fresh copy from where it came from.");
}

// Only a file whose structure a third-party C library parses (libhdf5, libzip) goes through the
// helper. Graft's own parsers of the other formats (TensorBundle tables, safetensors headers,
// pickles) have been fuzzed past 10 million inputs each with no open finding (docs/security.md),
// and the extra parse doubled their first open (TF, 100,000 variables: 253 -> 462 ms).
bool parsedByThirdPartyLibrary(const QString& path) {
  try {
    return FileProbe(FormatRegistry::builtin().resolve(QFile::encodeName(path).toStdString())).parsedByThirdPartyLibrary();
  } catch (const std::exception&) {
    return true;  // unreadable, or a folder with no checkpoint: the helper reports it as before
  }
}

}  // namespace

QString IsolatedParseCheck::helperProgram() {
  const QString fromEnvironment = qEnvironmentVariable("GRAFT_CLI");
  if (!fromEnvironment.isEmpty()) return fromEnvironment;
  const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/graft-cli");
  return QFileInfo(beside).isExecutable() ? beside : QString();
}

std::optional<QString> IsolatedParseCheck::run(const QString& path) {
  const QFileInfo file(path);
  if (file.isFile() && passedBefore(file)) return std::nullopt;
  if (!parsedByThirdPartyLibrary(path)) return std::nullopt;
  const QString program = helperProgram();
  if (program.isEmpty()) {
    static const bool warned = [] {
      qWarning("graft: graft-cli was not found beside graft and GRAFT_CLI is not set; files are parsed in this process only");
      return true;
    }();
    Q_UNUSED(warned);
    return std::nullopt;
  }

  QProcess probe;
  probe.setProgram(program);
  probe.setArguments({QStringLiteral("probe"), path});
  probe.start(QIODevice::ReadOnly);
  if (!probe.waitForStarted()) {
    qWarning("graft: cannot start %s (%s); parsing in this process only", qPrintable(program), qPrintable(probe.errorString()));
    return std::nullopt;
  }
  if (!probe.waitForFinished(kProbeTimeoutMs)) {
    probe.kill();
    probe.waitForFinished();
    return QCoreApplication::translate("IsolatedParseCheck", "%1: reading the file's structure did not finish within %2 minutes, so it was not opened.\n\n%3")
        .arg(path)
        .arg(kProbeTimeoutMs / 60000)
        .arg(unaffected());
  }
  if (probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0) {
    if (file.isFile()) rememberPassed(file);
    return std::nullopt;
  }
  if (probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == kProbeRefused) return std::nullopt;

  // A signal (QProcess gives its number as the exit code) or an unexpected exit code, such as a
  // sanitizer's report.
  const QString how = probe.exitStatus() == QProcess::CrashExit
                          ? QCoreApplication::translate("IsolatedParseCheck", "the file reader crashed (%1)")
                                .arg(QString::fromLocal8Bit(strsignal(probe.exitCode())))
                          : QCoreApplication::translate("IsolatedParseCheck", "the file reader stopped abnormally (exit code %1: %2)")
                                .arg(probe.exitCode())
                                .arg(lastLine(probe.readAllStandardError()));
  return QCoreApplication::translate("IsolatedParseCheck", "%1: %2, so it was not opened.\n\n%3").arg(path, how, unaffected());
}

}  // namespace graft::ui
