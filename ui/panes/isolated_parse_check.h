#pragma once
// Before the window parses an HDF5 file or a zip itself, `graft-cli probe FILE` parses it in a
// child process. A crash inside a parsing library (libhdf5 has a history of them on crafted
// files) then ends the child, and the window reports it instead of going down with the user's
// session. Formats that Graft's own parsers read alone are not probed.

#include <QString>

#include <optional>

namespace graft::ui {

class IsolatedParseCheck {
 public:
  // The helper: $GRAFT_CLI, else graft-cli beside this executable; empty when neither exists
  // (then files are parsed in this process only, and a warning says so once).
  static QString helperProgram();

  // Runs the probe and waits for it: call off the UI thread. Returns a message naming the file
  // when the helper did not finish normally (crashed, was killed, took too long); nothing when
  // the file may be parsed here (it opened, or was refused with an ordinary error that the
  // in-process open will report), or when no third-party library parses it. A file that passed
  // is not probed again until it changes.
  static std::optional<QString> run(const QString& path);
};

}  // namespace graft::ui
