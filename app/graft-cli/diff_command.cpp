#include "diff_command.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "checkpoint/checkpoint_diff.h"
#include "cli_context.h"
#include "formats/format_registry.h"

namespace graft::cli {
namespace {

struct DiffArgs {
  std::string a, b;
  bool values = false, json = false;
};

std::string describe(const TensorInfo& t) { return t.shape.toString() + " " + std::string(dtypeName(t.dtype)); }

int runDiff(const DiffArgs& args) {
  const auto a = FormatRegistry::builtin().open(args.a);
  const auto b = FormatRegistry::builtin().open(args.b);
  const CheckpointDiff d = diffCheckpoints(*a, *b, args.values);
  if (args.json) {
    nlohmann::ordered_json j;
    j["a"] = args.a;
    j["b"] = args.b;
    j["only_in_a"] = d.onlyInA;
    j["only_in_b"] = d.onlyInB;
    j["different"] = nlohmann::ordered_json::array();
    for (const auto& c : d.different)
      j["different"].push_back({{"key", c.key}, {"a", describe(c.a)}, {"b", describe(c.b)}});
    j["same"] = d.same.size();
    if (args.values) {
      j["values"] = nlohmann::ordered_json::array();
      for (const auto& v : d.values)
        j["values"].push_back({{"key", v.key}, {"identical", v.identical}, {"max_abs_diff", v.maxAbsDiff},
                               {"relative_l2", v.relativeL2}, {"cosine", v.cosine}});
    }
    std::cout << j.dump(1) << '\n';
    return kOk;
  }
  std::cout << "only in A (" << d.onlyInA.size() << ")\n";
  for (const auto& k : d.onlyInA) std::cout << "  " << k << "  " << describe(*a->findByKey(k)->tensor()) << '\n';
  std::cout << "only in B (" << d.onlyInB.size() << ")\n";
  for (const auto& k : d.onlyInB) std::cout << "  " << k << "  " << describe(*b->findByKey(k)->tensor()) << '\n';
  std::cout << "shape or dtype differs (" << d.different.size() << ")\n";
  for (const auto& c : d.different) std::cout << "  " << c.key << "  A " << describe(c.a) << "  B " << describe(c.b) << '\n';
  std::cout << "same shape and dtype: " << d.same.size() << '\n';
  if (args.values) {
    std::cout << "values:\n";
    for (const auto& v : d.values) {
      char line[160];
      if (v.identical)
        std::snprintf(line, sizeof line, "identical");
      else
        std::snprintf(line, sizeof line, "max|a-b| %.6g  rel.L2 %.6g  cosine %.6f", v.maxAbsDiff, v.relativeL2, v.cosine);
      std::cout << "  " << v.key << "  " << line << '\n';
    }
  }
  return kOk;
}

}  // namespace

void addDiffCommand(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<DiffArgs>();
  CLI::App* c = app.add_subcommand("diff", "Compare two checkpoints: names, shapes, dtypes and (with --values) values");
  c->add_option("A", a->a, "First checkpoint")->required();
  c->add_option("B", a->b, "Second checkpoint")->required();
  c->add_flag("--values", a->values, "Also compare the values of every common tensor");
  c->add_flag("--json", a->json, "Print the comparison as JSON");
  c->callback([a, &run] { run = [a] { return runDiff(*a); }; });
}

}  // namespace graft::cli
