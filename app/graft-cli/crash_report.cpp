#include "crash_report.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <string>

#include "cli_context.h"

namespace graft::cli {

namespace {

char message[4096];
std::size_t messageLength = 0;
char alternateStack[64 * 1024];

void onFault(int) {
  // Only async-signal-safe calls: the process state cannot be trusted any more.
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message, messageLength);
  _exit(kError);
}

}  // namespace

void reportLibraryCrashes(int argc, char** argv) {
#if defined(GRAFT_SANITIZED)
  (void)argc;
  (void)argv;
#else
  if (argc > 1 && std::strcmp(argv[1], "probe") == 0) return;
  std::string command;
  for (int i = 1; i < argc; ++i) command += (i > 1 ? " " : "") + std::string(argv[i]);
  const std::string text = "graft-cli: error: a library crashed while running `graft-cli " + command +
                           "`: an input file is damaged or crafted (this is a bug of the library, see docs/security.md)\n";
  messageLength = std::min(text.size(), sizeof(message));
  std::memcpy(message, text.data(), messageLength);
  stack_t stack{};
  stack.ss_sp = alternateStack;
  stack.ss_size = sizeof(alternateStack);
  sigaltstack(&stack, nullptr);
  struct sigaction action{};
  action.sa_handler = onFault;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) sigaction(signal, &action, nullptr);
#endif
}

}  // namespace graft::cli
