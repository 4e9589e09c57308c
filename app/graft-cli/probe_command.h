#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace graft::cli {

// `graft-cli probe FILE` (hidden): opens FILE the way the window would and exits. The window
// runs it in a child process before parsing a file itself, so a crash inside a parsing library
// (libhdf5 on a crafted file) ends this process rather than the user's session.
// Exit codes: kOk when the file opened, kProbeRefused when it was refused with a clear error
// (printed on stderr); anything else means the reader did not finish normally.
void addProbeCommand(CLI::App& app, std::function<int()>& run);

}  // namespace graft::cli
