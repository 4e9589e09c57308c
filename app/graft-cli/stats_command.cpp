#include "stats_command.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "checkpoint/listing.h"
#include "cli_context.h"
#include "formats/format_registry.h"
#include "io/error.h"
#include "stats/histogram.h"
#include "stats/tensor_statistics.h"
#include "text/units.h"

namespace graft::cli {
namespace {

constexpr std::size_t kHistogramRows = 20;  // bins beyond 2 * this are grouped into ~this many rows
constexpr std::size_t kBarWidth = 40;
constexpr std::size_t kMaxBins = 1000000;  // beyond this the output is no longer something to read

struct StatsOptions {
  std::string file;
  std::vector<std::string> names;
  std::size_t bins = 20;
  bool json = false;
};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The variables asked for, in the order given; every variable of the file without names.
std::vector<const Node*> selectVariables(const Checkpoint& ckpt, const std::vector<std::string>& names) {
  if (names.empty()) return ckpt.variables();
  std::vector<const Node*> selected;
  for (const auto& name : names) {
    const Node* v = ckpt.findByKey(name);
    if (!v) v = ckpt.findByPath(name);
    if (!v || !v->isVariable()) throw fileError(ckpt.path(), "no variable '" + name + "'");
    selected.push_back(v);
  }
  return selected;
}

TensorStatistics statisticsOf(const Checkpoint& ckpt, const Node& variable, std::size_t bins) {
  const TensorInfo& t = *variable.tensor();
  StatisticsOptions options;
  options.bins = bins;
  options.openStream = [&] { return ckpt.openTensor(variable); };  // the second thread reads in parallel
  auto stream = ckpt.openTensor(variable);
  try {
    return computeStatistics(*stream, t.dtype, options);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(ckpt.path().string() + ": ", 0) == 0) throw;  // already names the file
    throw fileError(ckpt.path(), "tensor '" + t.key + "': " + what);
  }
}

// A bar of eighths of a character cell, so small differences still show.
std::string bar(std::uint64_t count, std::uint64_t largest) {
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto eighths = largest ? static_cast<std::size_t>(count * kBarWidth * 8 / largest) : 0;
  std::string s;
  for (std::size_t i = 0; i < eighths / 8; ++i) s += "█";
  s += kEighths[eighths % 8];
  const std::size_t cells = eighths / 8 + (eighths % 8 ? 1 : 0);
  return s + std::string(kBarWidth + 1 - cells, ' ');
}

void printHistogram(const HistogramResult& h) {
  const std::size_t bins = h.counts.size();
  const std::size_t group = bins <= 2 * kHistogramRows ? 1 : (bins + kHistogramRows - 1) / kHistogramRows;
  const HistogramBinner edges(h.lo, h.hi, bins);
  std::vector<std::uint64_t> rows;
  for (std::size_t b = 0; b < bins; b += group) {
    std::uint64_t sum = 0;
    for (std::size_t i = b; i < std::min(bins, b + group); ++i) sum += h.counts[i];
    rows.push_back(sum);
  }
  const std::uint64_t largest = *std::max_element(rows.begin(), rows.end());
  std::cout << "  histogram: " << bins << " bins" << (group > 1 ? ", " + std::to_string(group) + " per row" : "") << '\n';
  for (std::size_t r = 0; r < rows.size(); ++r) {
    char edge[32];
    std::snprintf(edge, sizeof edge, "%12.5g", edges.edges()[r * group]);
    std::cout << "  " << edge << " " << bar(rows[r], largest) << groupedNumber(rows[r]) << '\n';
  }
  char last[32];
  std::snprintf(last, sizeof last, "%12.5g", h.hi);
  std::cout << "  " << last << '\n';
}

void printTensor(const Node& v, const std::optional<TensorStatistics>& s) {
  const TensorInfo& t = *v.tensor();
  std::cout << t.key << "  " << t.shape.toString() << "  " << dtypeName(t.dtype) << "  "
            << groupedNumber(t.elementCount) << " values\n";
  if (!s) {
    std::cout << "  (no statistics for " << dtypeName(t.dtype) << " tensors)\n";
    return;
  }
  std::cout << "  min " << number(s->min) << "  max " << number(s->max) << "  mean " << number(s->mean) << "  std "
            << number(s->std) << '\n';
  std::cout << "  zeros " << groupedNumber(s->zeros) << "  NaN " << groupedNumber(s->nans) << "  inf "
            << groupedNumber(s->positiveInfs + s->negativeInfs) << '\n';
  if (s->histogram) printHistogram(*s->histogram);
}

nlohmann::ordered_json tensorJson(const Node& v, const std::optional<TensorStatistics>& s) {
  const TensorInfo& t = *v.tensor();
  nlohmann::ordered_json j;
  j["key"] = t.key;
  j["path"] = v.path();
  j["dtype"] = std::string(dtypeName(t.dtype));
  j["shape"] = t.shape.dims();
  j["count"] = t.elementCount;
  if (!s) return j;
  // JSON has no NaN: a tensor without finite values has null min, max, mean and std.
  auto finite = [](double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(); };
  j["min"] = finite(s->min);
  j["max"] = finite(s->max);
  j["mean"] = finite(s->mean);
  j["std"] = finite(s->std);
  j["zeros"] = s->zeros;
  j["nan"] = s->nans;
  j["inf"] = s->positiveInfs + s->negativeInfs;
  if (s->histogram)
    j["histogram"] = {{"min", s->histogram->lo}, {"max", s->histogram->hi}, {"counts", s->histogram->counts}};
  else
    j["histogram"] = nullptr;
  return j;
}

int runStats(const StatsOptions& o) {
  const auto ckpt = FormatRegistry::builtin().open(o.file);
  const auto variables = selectVariables(*ckpt, o.names);
  nlohmann::ordered_json tensors = nlohmann::ordered_json::array();
  if (!o.json)
    std::cout << ckpt->path().filename().string() << "  [" << ckpt->formatId() << "]  " << variables.size()
              << (variables.size() == 1 ? " tensor\n" : " tensors\n");
  for (const Node* v : variables) {
    const DType dtype = v->tensor()->dtype;
    if (!hasStatistics(dtype) && !o.names.empty())
      throw fileError(ckpt->path(), "tensor '" + v->tensor()->key + "': no statistics for " +
                                        std::string(dtypeName(dtype)) + " tensors");
    std::optional<TensorStatistics> s;
    if (hasStatistics(dtype)) s = statisticsOf(*ckpt, *v, o.bins);
    if (o.json) {
      tensors.push_back(tensorJson(*v, s));
    } else {
      std::cout << '\n';
      printTensor(*v, s);
    }
  }
  if (o.json) {
    nlohmann::ordered_json out;
    out["file"] = o.file;
    out["format"] = ckpt->formatId();
    out["tensors"] = std::move(tensors);
    std::cout << listingText(out);
  }
  return kOk;
}

}  // namespace

void addStatsCommand(CLI::App& app, std::function<int()>& run) {
  auto opts = std::make_shared<StatsOptions>();
  CLI::App* stats = app.add_subcommand("stats", "Value statistics and histograms of a checkpoint's tensors");
  stats->add_option("FILE", opts->file, "Checkpoint file")->required();
  stats->add_option("NAME", opts->names, "Variables by native key or tree path (default: all)");
  stats->add_option("--bins", opts->bins, "Histogram bins over [min, max] of the finite values")
      ->check(CLI::Range(std::size_t{1}, kMaxBins));
  stats->add_flag("--json", opts->json, "Machine-readable output");
  stats->callback([opts, &run] { run = [opts] { return runStats(*opts); }; });
}

}  // namespace graft::cli
