#include "probe_command.h"

#include <iostream>
#include <memory>

#include "address_space_cap.h"
#include "cli_context.h"
#include "formats/format_registry.h"

namespace graft::cli {

void addProbeCommand(CLI::App& app, std::function<int()>& run) {
  auto file = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("probe", "Open FILE in this process and exit (used by the window to isolate parsers)");
  sub->group("");  // hidden from --help: an internal worker mode, not a user command
  sub->add_option("file", *file, "Checkpoint file")->required();
  sub->callback([&run, file] {
    run = [file]() -> int {
      capAddressSpaceForReading();
      try {
        const auto checkpoint = FormatRegistry::builtin().open(*file);
        std::cout << "opened " << checkpoint->variables().size() << " variables\n";
        return kOk;
      } catch (const std::exception& e) {
        reportError(e.what());
        return kProbeRefused;
      }
    };
  });
}

}  // namespace graft::cli
