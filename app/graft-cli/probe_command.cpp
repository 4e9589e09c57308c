#include "probe_command.h"

#include <sys/resource.h>

#include <iostream>
#include <memory>

#include "cli_context.h"
#include "formats/format_registry.h"

namespace graft::cli {
namespace {

// Opening reads metadata only: the 100,000-variable benchmark files peak at 400 MB. libhdf5
// allocates and zeroes what a crafted string length claims, up to 4 GiB per string
// (tests/fuzz-findings/libhdf5-vlen-length-allocation.h5: 6 s and 4 GB); under this cap that
// fails at once, so the window's probe never takes the user's memory.
constexpr rlim_t kProbeAddressSpace = rlim_t{4} << 30;

void capAddressSpace() {
#if !defined(GRAFT_SANITIZED)  // ASan reserves terabytes of address space for its shadow memory
  const rlimit cap{kProbeAddressSpace, kProbeAddressSpace};
  setrlimit(RLIMIT_AS, &cap);
#endif
}

}  // namespace

void addProbeCommand(CLI::App& app, std::function<int()>& run) {
  auto file = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("probe", "Open FILE in this process and exit (used by the window to isolate parsers)");
  sub->group("");  // hidden from --help: an internal worker mode, not a user command
  sub->add_option("file", *file, "Checkpoint file")->required();
  sub->callback([&run, file] {
    run = [file]() -> int {
      capAddressSpace();
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
