#include "merge/plan_json.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "io/error.h"

namespace graft {
namespace {

using nlohmann::ordered_json;

ordered_json transformToJson(const Transform& t) {
  ordered_json j;
  switch (t.kind) {
    case TransformKind::Cast: j["cast"] = std::string(dtypeName(t.dtype)); break;
    case TransformKind::Transpose: j["transpose"] = t.permutation; break;
    case TransformKind::Reshape: j["reshape"] = t.shape.dims(); break;
    case TransformKind::Slice: {
      ordered_json ranges = ordered_json::array();
      for (const auto& [b, e] : t.ranges) ranges.push_back({b, e});
      j["slice"] = ranges;
      break;
    }
    case TransformKind::Pad:
      j["pad"] = t.shape.dims();
      if (t.padValue != 0.0) j["value"] = t.padValue;
      break;
  }
  return j;
}

Transform transformFromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.empty()) throw Error("a transform must be an object such as {\"cast\": \"float16\"}");
  if (j.contains("cast")) {
    const auto d = dtypeFromName(j.at("cast").get<std::string>());
    if (!d) throw Error("unknown dtype '" + j.at("cast").get<std::string>() + "' in cast");
    return Transform::cast(*d);
  }
  if (j.contains("transpose")) return Transform::transpose(j.at("transpose").get<std::vector<int>>());
  if (j.contains("reshape")) return Transform::reshape(Shape(j.at("reshape").get<std::vector<std::int64_t>>()));
  if (j.contains("slice")) {
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    for (const auto& r : j.at("slice")) {
      if (!r.is_array() || r.size() != 2) throw Error("slice ranges are [begin, end] pairs");
      ranges.emplace_back(r[0].get<std::int64_t>(), r[1].get<std::int64_t>());
    }
    return Transform::slice(std::move(ranges));
  }
  if (j.contains("pad"))
    return Transform::pad(Shape(j.at("pad").get<std::vector<std::int64_t>>()), j.value("value", 0.0));
  throw Error("unknown transform " + j.dump());
}

std::string relativeTo(const std::filesystem::path& file, const std::filesystem::path& folder) {
  if (file.empty()) return {};
  std::error_code ec;
  const auto rel = std::filesystem::relative(std::filesystem::absolute(file), std::filesystem::absolute(folder), ec);
  return ec || rel.empty() ? file.string() : rel.string();
}

std::filesystem::path resolveAgainst(const std::string& p, const std::filesystem::path& folder) {
  if (p.empty()) return {};
  const std::filesystem::path path(p);
  return path.is_absolute() ? path : (folder / path).lexically_normal();
}

}  // namespace

std::string planToJson(const MergePlan& plan, const std::filesystem::path& planFile) {
  const auto folder = planFile.parent_path().empty() ? std::filesystem::path(".") : planFile.parent_path();
  ordered_json j;
  j["graft_plan"] = kPlanFormatVersion;
  j["source"] = relativeTo(plan.source, folder);
  j["target"] = relativeTo(plan.target, folder);
  if (!plan.output.empty()) j["output"] = relativeTo(plan.output, folder);
  j["keep_optimizer"] = plan.keepOptimizer;
  ordered_json ops = ordered_json::array();
  for (const auto& op : plan.operations) {
    ordered_json o;
    o["op"] = std::string(operationKindName(op.kind));
    if (!op.source.empty()) o["source"] = op.source;
    if (!op.target.empty()) o["target"] = op.target;
    if (!op.newName.empty()) o["new_name"] = op.newName;
    if (!op.transforms.empty()) {
      o["transforms"] = ordered_json::array();
      for (const auto& t : op.transforms) o["transforms"].push_back(transformToJson(t));
    }
    if (!op.reason.empty()) o["reason"] = op.reason;
    ops.push_back(std::move(o));
  }
  j["operations"] = std::move(ops);
  return j.dump(2) + "\n";
}

void savePlan(const MergePlan& plan, const std::filesystem::path& planFile) {
  const std::string text = planToJson(plan, planFile);
  const auto tmp = planFile.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.flush()) throw fileError(planFile, "cannot write plan");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, planFile, ec);  // atomic: a half-written plan never replaces a good one
  if (ec) throw fileError(planFile, "cannot write plan: " + ec.message());
}

MergePlan planFromJson(const std::string& text, const std::filesystem::path& planFile) {
  const auto folder = planFile.parent_path().empty() ? std::filesystem::path(".") : planFile.parent_path();
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fileError(planFile, "not a Graft plan: invalid JSON");
  try {
    if (!j.contains("graft_plan")) throw Error("not a Graft plan: no \"graft_plan\" version field");
    const int version = j.at("graft_plan").get<int>();
    if (version > kPlanFormatVersion || version < 1)
      throw Error("plan format version " + std::to_string(version) + " is not supported (this Graft reads 1)");
    MergePlan plan;
    plan.source = resolveAgainst(j.value("source", std::string()), folder);
    plan.target = resolveAgainst(j.value("target", std::string()), folder);
    plan.output = resolveAgainst(j.value("output", std::string()), folder);
    plan.keepOptimizer = j.value("keep_optimizer", true);
    std::size_t index = 0;
    for (const auto& o : j.value("operations", nlohmann::json::array())) {
      ++index;
      try {
        Operation op;
        const auto name = o.at("op").get<std::string>();
        const auto kind = operationKindFromName(name);
        if (!kind) throw Error("unknown operation '" + name + "'");
        op.kind = *kind;
        op.source = o.value("source", std::string());
        op.target = o.value("target", std::string());
        op.newName = o.value("new_name", std::string());
        op.reason = o.value("reason", std::string());
        for (const auto& t : o.value("transforms", nlohmann::json::array())) op.transforms.push_back(transformFromJson(t));
        plan.operations.push_back(std::move(op));
      } catch (const std::exception& e) {
        throw Error("operation #" + std::to_string(index) + ": " + e.what());
      }
    }
    return plan;
  } catch (const Error& e) {
    throw fileError(planFile, e.what());
  } catch (const nlohmann::json::exception& e) {
    throw fileError(planFile, std::string("malformed plan: ") + e.what());
  }
}

MergePlan loadPlan(const std::filesystem::path& planFile) {
  std::ifstream f(planFile, std::ios::binary);
  if (!f) throw fileError(planFile, "cannot read plan");
  std::ostringstream s;
  s << f.rdbuf();
  return planFromJson(s.str(), planFile);
}

}  // namespace graft
