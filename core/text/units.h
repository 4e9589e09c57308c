#pragma once
// Numbers as people read them in a tree or a header.

#include <cstdint>
#include <string>

namespace graft {

std::string humanBytes(std::uint64_t bytes);        // "512 B", "1.3 KiB", "2.0 GiB"
std::string groupedNumber(std::uint64_t n);         // "1,234,567"
std::string compactCount(std::uint64_t n);          // "950", "12.3K", "4.2M", "1.1B"

}  // namespace graft
