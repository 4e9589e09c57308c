#include "formats/keras_archive_writer.h"

#include <zip.h>

#include <nlohmann/json.hpp>

#include "io/error.h"

namespace graft {

namespace {

// libzip keeps the buffers it is handed until zip_close: the strings outlive the archive.
void addStored(zip_t* zip, const std::string& name, zip_source_t* source, const std::filesystem::path& file) {
  if (!source) throw fileError(file, "cannot add " + name + " to the archive: " + zip_strerror(zip));
  const zip_int64_t index = zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(source);
    throw fileError(file, "cannot add " + name + " to the archive: " + zip_strerror(zip));
  }
  if (zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0)
    throw fileError(file, "cannot store " + name + " uncompressed: " + zip_strerror(zip));
}

}  // namespace

KerasArchiveWriter::~KerasArchiveWriter() {
  std::error_code ec;
  if (!weightsFile_.empty()) std::filesystem::remove(weightsFile_, ec);
}

void KerasArchiveWriter::create(const std::filesystem::path& file, const OutputLayout& layout) {
  file_ = file;
  const CheckpointMetadata* attrs = layout.model ? &layout.model->formatAttributes() : nullptr;
  if (!attrs || !attrs->has("config.json"))
    throw fileError(file, "a .keras file needs the model's config.json, which only a .keras source has; export the weights "
                          "as Keras 3 .weights.h5 instead and load them into the model with load_weights");
  config_ = attrs->get("config.json");
  metadata_ = attrs->has("metadata.json") ? attrs->get("metadata.json") : std::string();
  if (!layout.keepModelConfig)
    warnings_.push_back("config.json kept from the target although the result's layers or shapes differ: rebuild the model "
                        "in Keras if loading it fails");
  weightsFile_ = file;
  weightsFile_ += ".weights.h5";
  weights_.create(weightsFile_, layout);
}

void KerasArchiveWriter::finish() {
  weights_.finish();
  int code = 0;
  zip_t* zip = zip_open(file_.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!zip) throw fileError(file_, "cannot create the archive");
  try {
    // Keras writes metadata.json, config.json, then the weights.
    if (!metadata_.empty()) addStored(zip, "metadata.json", zip_source_buffer(zip, metadata_.data(), metadata_.size(), 0), file_);
    addStored(zip, "config.json", zip_source_buffer(zip, config_.data(), config_.size(), 0), file_);
    addStored(zip, "model.weights.h5", zip_source_file(zip, weightsFile_.c_str(), 0, -1), file_);
  } catch (...) {
    zip_discard(zip);
    throw;
  }
  if (zip_close(zip) != 0) {
    const std::string why = zip_strerror(zip);
    zip_discard(zip);
    throw fileError(file_, "cannot write the archive: " + why);
  }
  std::filesystem::remove(weightsFile_);
  weightsFile_.clear();
}

std::vector<std::string> KerasArchiveWriter::warnings() const {
  std::vector<std::string> all = warnings_;
  for (auto& w : weights_.warnings()) all.push_back(w);
  return all;
}

}  // namespace graft
