#pragma once
// Numbers in the Inspector, with the precision a researcher reads them at.

#include <QString>

#include <cstdint>

namespace graft::ui {

QString valueText(double value);                              // "-0.21433", "6.2341e-05", "—" for NaN
QString countText(std::uint64_t count);                       // "1,234,567"
QString shareText(std::uint64_t count, std::uint64_t total);  // "0", "12 (0.94%)"
QString bytesText(std::uint64_t bytes);                       // "5.0 KiB"
QString cosineText(double cosine);                            // "0.999987"

}  // namespace graft::ui
