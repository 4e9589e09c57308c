#include "formats/output_name.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

namespace graft {
namespace {

std::string lowerName(const std::filesystem::path& p) {
  std::string s = p.filename().string();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The length of `format`'s longest extension that ends `name`, 0 when none does. A name that is
// only the extension (".h5") names no format.
std::size_t fittingExtensionLength(const CheckpointFormat& format, const std::string& name) {
  std::size_t best = 0;
  for (const auto& ext : format.fileExtensions())
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) best = std::max(best, ext.size());
  return best;
}

// The writable formats with the longest extension ending `name`, and its length.
std::pair<std::vector<const CheckpointFormat*>, std::size_t> longestNamedBy(const FormatRegistry& registry, const std::string& name) {
  std::vector<const CheckpointFormat*> best;
  std::size_t bestLength = 0;
  for (const auto& f : registry.formats()) {
    const std::size_t n = fittingExtensionLength(*f, name);
    if (n == 0 || n < bestLength || !f->createWriter()) continue;
    if (n > bestLength) {
      best.clear();
      bestLength = n;
    }
    best.push_back(f.get());
  }
  return {best, bestLength};
}

}  // namespace

OutputNameChoice formatForOutputName(const FormatRegistry& registry, const std::filesystem::path& output,
                                     const CheckpointFormat* current, const CheckpointFormat* preferred) {
  const std::string name = lowerName(output);
  if (current && fittingExtensionLength(*current, name) > 0) return {};
  auto named = longestNamedBy(registry, name).first;
  if (named.size() == 1) return {named.front(), {}};
  if (preferred && std::find(named.begin(), named.end(), preferred) != named.end()) return {preferred, {}};
  return {nullptr, std::move(named)};
}

std::filesystem::path renamedForFormat(const FormatRegistry& registry, const std::filesystem::path& output,
                                       const CheckpointFormat& format) {
  const auto extensions = format.fileExtensions();
  const std::string lower = lowerName(output);
  if (extensions.empty() || fittingExtensionLength(format, lower) > 0) return output;
  const std::size_t length = longestNamedBy(registry, lower).second;
  if (length == 0) return output;
  const std::string name = output.filename().string();
  return output.parent_path() / (name.substr(0, name.size() - length) + extensions.front());
}

}  // namespace graft
