#include "formats/keras3_weights_writer.h"

#include <algorithm>
#include <map>

#include "checkpoint/tree_builder.h"
#include "io/error.h"
#include "io/hdf5/hdf5_attributes.h"

namespace graft {

namespace {

using hdf5::Id;

void writeUtf8Attribute(hid_t obj, const std::string& name, const std::string& value) {
  Id type = hdf5::typeId(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Id space = hdf5::spaceId(H5Screate(H5S_SCALAR));
  Id attr = hdf5::attributeId(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  const char* p = value.c_str();
  if (!attr || H5Awrite(attr.get(), type.get(), &p) < 0) throw Error("cannot write attribute " + name + ": " + hdf5::takeErrorMessage());
}

}  // namespace

bool isKeras3VariableKey(std::string_view key) {
  const auto vars = key.rfind("vars/");
  if (vars == std::string_view::npos || (vars > 0 && key[vars - 1] != '/')) return false;
  const std::string_view index = key.substr(vars + 5);
  return !index.empty() && std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> keras3KeysFor(const std::vector<std::string>& paths, const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  std::map<std::string, int> counters;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i < keys.size() && isKeras3VariableKey(keys[i])) {
      out.push_back(keys[i]);
      continue;
    }
    std::vector<std::string> parts = splitPath(joinedWithoutOutputIndex(paths[i], '/'));
    if (parts.size() >= 3 && parts[0] == parts[1]) parts.erase(parts.begin());  // Keras 2's layer/weight scope
    if (parts.size() < 2) parts.insert(parts.begin(), "vars_owner");  // a variable outside any layer
    parts.pop_back();
    const std::string owner = "layers/" + joinPath(parts, '/');
    out.push_back(owner + "/vars/" + std::to_string(counters[owner]++));
  }
  return out;
}

void Keras3WeightsWriter::create(const std::filesystem::path& file, const OutputLayout& layout) {
  std::uint64_t reserve = 1u << 20;
  for (const auto& t : layout.tensors) reserve += t.byteSize + 4096 + 4 * t.key.size();
  file_.create(file, reserve);
  const bool fromKeras3 = layout.model && (layout.model->formatId() == "keras3-weights-h5" || layout.model->formatId() == "keras3-zip");
  auto l = hdf5::lock();
  try {
    std::size_t droppedOptimizer = 0;
    for (const auto& t : layout.tensors) {
      // Optimizer state only in Keras 3's own layout: elsewhere its order means nothing to Keras.
      const bool skip = !isKeras3VariableKey(t.key) || (t.role == NodeRole::Optimizer && !fromKeras3);
      if (skip) {
        if (t.role == NodeRole::Optimizer) ++droppedOptimizer;
        else throw Error("'" + t.key + "' is not a Keras 3 variable path (<owner>/vars/<index>)");
        offsets_.emplace_back();
        sizes_.push_back(0);
        skipped_.push_back(true);
        continue;
      }
      const Id type = hdf5::h5pyFileType(t.dtype, "Keras 3");
      offsets_.push_back(file_.addDataset("/" + t.key, type.get(), t.shape, t.byteSize));
      sizes_.push_back(t.byteSize);
      skipped_.push_back(false);
      if (t.dtype == DType::BFloat16) {
        Id ds = hdf5::datasetId(H5Dopen2(file_.id(), ("/" + t.key).c_str(), H5P_DEFAULT));
        writeUtf8Attribute(ds.get(), "dtype", "bfloat16");
      }
    }
    if (droppedOptimizer)
      warnings_.push_back(std::to_string(droppedOptimizer) + " optimizer tensors dropped: Keras 3 orders optimizer variables by its own walk");
    // Weightless layers (pooling, dropout) keep their empty vars group, as Keras writes it.
    if (fromKeras3) {
      Id lcpl = hdf5::plistId(H5Pcreate(H5P_LINK_CREATE));
      H5Pset_create_intermediate_group(lcpl.get(), 1);
      std::vector<std::string> groups{"/vars"};  // the model's own, always written by Keras
      for (const auto& top : layout.model->root().children())
        if (!top->isVariable() && top->role() == NodeRole::Weights && top->variableCount() == 0)
          groups.push_back("/layers/" + top->name() + "/vars");
      for (const auto& vars : groups) {
        if (hdf5::linkExists(file_.id(), vars)) continue;
        Id g = hdf5::groupId(H5Gcreate2(file_.id(), vars.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
        if (!g) throw Error("cannot create " + vars + ": " + hdf5::takeErrorMessage());
      }
    }
    // Keras ≥ 3.6 names each object on its vars group; kept from a Keras 3 model.
    if (fromKeras3)
      for (const auto& [attribute, value] : layout.model->formatAttributes().entries()) {
        if (attribute.rfind("name:", 0) != 0) continue;
        const std::string owner = attribute.substr(5);
        const std::string vars = owner.empty() ? "/vars" : "/" + owner + "/vars";
        if (!hdf5::linkExists(file_.id(), vars)) continue;
        Id g = hdf5::groupId(H5Gopen2(file_.id(), vars.c_str(), H5P_DEFAULT));
        if (g) writeUtf8Attribute(g.get(), "name", value);
      }
    file_.flush();
  } catch (const Error& e) {
    throw fileError(file, e.what());
  }
}

std::unique_ptr<TensorSink> Keras3WeightsWriter::tensor(std::size_t index) {
  return file_.sink(offsets_.at(index), sizes_.at(index), skipped_.at(index));
}

}  // namespace graft
