#include "golden_listing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "checkpoint/listing.h"
#include "formats/format_registry.h"

namespace graft::test {

nlohmann::json checksumListing(const Checkpoint& c) {
  ListingOptions options;
  options.checksums = true;
  options.chunkBytes = 4096;  // several chunks per tensor: the streaming path is what is hashed
  const auto listing = listingJson(c, options);
  nlohmann::json out;
  out["format"] = listing["format"];
  out["variables"] = nlohmann::json::array();
  for (auto v : listing["variables"]) {
    v.erase("path");
    out["variables"].push_back(nlohmann::json(v));
  }
  return out;
}

std::vector<std::filesystem::path> realBundleIndexes(const std::filesystem::path& real) {
  std::vector<std::filesystem::path> out;
  for (const char* dir : {"tf1-checkpoint", "tf2-checkpoint", "other"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(real / dir))
      if (e.path().extension() == ".index") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool matchesGolden(const std::filesystem::path& real, const std::filesystem::path& rel, const std::filesystem::path& openAs) {
  SCOPED_TRACE(rel.string());
  std::ifstream g(real / "golden" / (rel.string() + ".json"));
  EXPECT_TRUE(g) << "no golden for " << rel;
  if (!g) return false;
  const auto golden = nlohmann::json::parse(g);
  const auto ours = checksumListing(*FormatRegistry::builtin().open(openAs.empty() ? real / rel : openAs));
  EXPECT_EQ(ours["format"], golden["format"]);
  EXPECT_EQ(ours["variables"].size(), golden["variables"].size());
  for (std::size_t i = 0; i < std::min(ours["variables"].size(), golden["variables"].size()); ++i)
    EXPECT_EQ(ours["variables"][i], golden["variables"][i]) << "variable #" << i;
  return ours["format"] == golden["format"] && ours["variables"] == golden["variables"];
}

}  // namespace graft::test
