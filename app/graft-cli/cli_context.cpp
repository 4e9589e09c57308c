#include "cli_context.h"

#include <iostream>

namespace graft::cli {

void reportError(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n') c = ' ';
  std::cerr << "graft-cli: error: " << line << '\n';
}

}  // namespace graft::cli
