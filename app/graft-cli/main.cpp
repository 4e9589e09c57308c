// graft-cli: the merge engine, headless. One file per subcommand.

#include <CLI/CLI.hpp>

#include <csignal>
#include <exception>
#include <functional>
#include <iostream>

#include "about.h"
#include "cli_context.h"
#include "io/error.h"
#include "io/local_timezone.h"
#include "convert_command.h"
#include "crash_report.h"
#include "diff_command.h"
#include "ls_command.h"
#include "stats_command.h"
#include "match_command.h"
#include "merge_command.h"
#include "probe_command.h"

int main(int argc, char** argv) {
  using namespace graft::cli;
  graft::pinLocalTimezone();
  // Past a file-size limit, writes should fail with EFBIG (reported) rather than kill us.
  std::signal(SIGXFSZ, SIG_IGN);
  reportLibraryCrashes(argc, argv);
  CLI::App app{"graft-cli: inspect and transplant deep-learning checkpoint weights", "graft-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "graft-cli " + graft::graftVersion() + " (HDF5 " + graft::hdf5Version() + ")");
  std::function<int()> run;
  addLsCommand(app, run);
  addStatsCommand(app, run);
  addMatchCommand(app, run);
  addMergeCommand(app, run);
  addConvertCommand(app, run);
  addDiffCommand(app, run);
  addProbeCommand(app, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }

  try {
    return run ? run() : kUsage;
  } catch (const UsageError& e) {
    reportError(e.message);
    return kUsage;
  } catch (const std::exception& e) {
    reportError(e.what());
    return kError;
  }
}
