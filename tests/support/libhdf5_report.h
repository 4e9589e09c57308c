#pragma once
// Whether a sanitizer or libFuzzer report (a process's stderr) is libhdf5's own bug rather than
// Graft's: the verdict of fuzz/libhdf5_report.awk, the one rule the fuzz runs use too.

#include <string>

namespace graft::test {

bool reportIsLibhdf5sOwn(const std::string& report);

}  // namespace graft::test
