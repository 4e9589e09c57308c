#include "ls_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <regex>

#include "address_space_cap.h"
#include "checkpoint/listing.h"
#include "cli_context.h"
#include "formats/format_registry.h"
#include "text/units.h"

namespace graft::cli {
namespace {

struct LsOptions {
  std::string file;
  bool json = false;
  bool checksums = false;
  std::string filter;
  int depth = -1;
};

struct Row {
  std::string name;
  std::string shape;
  std::string dtype;
  std::string params;
  std::string size;
};

// Indented tree: layers and groups with their totals, variables with shape and dtype.
void printTree(const Checkpoint& ckpt, const LsOptions& o, const std::optional<std::regex>& filter) {
  const Node& root = ckpt.root();
  std::cout << ckpt.path().filename().string() << "  [" << ckpt.formatId() << "]"
            << (ckpt.framework().empty() ? "" : "  " + ckpt.framework()) << "  "
            << groupedNumber(ckpt.variables().size()) << " variables, " << groupedNumber(ckpt.modelParameterCount())
            << " parameters, " << humanBytes(ckpt.modelByteSize()) << '\n';

  // A node is shown if it matches the filter or has a shown descendant (parents stay visible).
  std::unordered_map<const Node*, bool> shown;
  forEachVariable(root, [&](const Node& v) {
    if (filter && !matchesFilter(v, *filter)) return;
    for (const Node* n = &v; n && !shown[n]; n = n->parent()) shown[n] = true;
  });

  std::vector<Row> rows;
  std::vector<const Node*> stack;
  for (auto it = root.children().rbegin(); it != root.children().rend(); ++it) stack.push_back(it->get());
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!shown[n]) continue;
    int level = 0;
    for (const Node* p = n->parent(); p && p->parent(); p = p->parent()) ++level;
    Row r;
    r.name = std::string(static_cast<std::size_t>(level) * 2, ' ') + n->name();
    if (const TensorInfo* t = n->tensor()) {
      r.shape = t->shape.toString();
      r.dtype = std::string(dtypeName(t->dtype));
    } else if (!n->layerClass().empty()) {
      r.shape = n->layerClass();
    }
    r.params = groupedNumber(n->parameterCount());
    r.size = humanBytes(n->byteSize());
    rows.push_back(std::move(r));
    if (o.depth >= 0 && level + 1 >= o.depth) continue;
    for (auto it = n->children().rbegin(); it != n->children().rend(); ++it) stack.push_back(it->get());
  }

  std::size_t w[4] = {4, 5, 5, 6};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.name.size());
    w[1] = std::max(w[1], r.shape.size());
    w[2] = std::max(w[2], r.dtype.size());
    w[3] = std::max(w[3], r.params.size());
  }
  auto pad = [](const std::string& s, std::size_t width) { return s + std::string(width - s.size(), ' '); };
  auto rpad = [](const std::string& s, std::size_t width) { return std::string(width - s.size(), ' ') + s; };
  std::cout << pad("NAME", w[0]) << "  " << pad("SHAPE", w[1]) << "  " << pad("DTYPE", w[2]) << "  "
            << rpad("PARAMS", w[3]) << "  SIZE\n";
  for (const auto& r : rows)
    std::cout << pad(r.name, w[0]) << "  " << pad(r.shape, w[1]) << "  " << pad(r.dtype, w[2]) << "  "
              << rpad(r.params, w[3]) << "  " << r.size << '\n';
}

int runLs(const LsOptions& o) {
  std::optional<std::regex> filter;
  if (!o.filter.empty()) {
    try {
      filter.emplace(o.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw UsageError{"--filter: invalid regular expression '" + o.filter + "': " + e.what()};
    }
  }
  capAddressSpaceForReading();
  const auto ckpt = FormatRegistry::builtin().open(o.file);
  if (o.json) {
    ListingOptions lo;
    lo.checksums = o.checksums;
    lo.filter = filter;
    const std::string text = listingText(*ckpt, lo);
    std::fwrite(text.data(), 1, text.size(), stdout);  // one write for the whole listing
  } else {
    printTree(*ckpt, o, filter);
  }
  return kOk;
}

}  // namespace

void addLsCommand(CLI::App& app, std::function<int()>& run) {
  auto opts = std::make_shared<LsOptions>();
  CLI::App* ls = app.add_subcommand("ls", "List a checkpoint's tree with shapes, dtypes and sizes");
  ls->add_option("FILE", opts->file, "Checkpoint file")->required();
  ls->add_flag("--json", opts->json, "Print the machine-readable listing (sorted by key)");
  ls->add_flag("--checksums", opts->checksums, "With --json: add the sha256 of each tensor's bytes");
  ls->add_option("--filter", opts->filter, "Only variables whose path or key matches this regex");
  ls->add_option("--depth", opts->depth, "Tree levels to print (1 = top-level layers only)")->check(CLI::PositiveNumber);
  ls->callback([opts, &run] { run = [opts] { return runLs(*opts); }; });
}

}  // namespace graft::cli
