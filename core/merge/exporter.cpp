#include "merge/exporter.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <unordered_map>

#include "checkpoint/tree_builder.h"
#include "formats/format_registry.h"
#include "io/atomic_output.h"
#include "merge/tensor_pipeline.h"

namespace graft {
namespace {

struct Item {
  const ResultSlot* slot;
  const Checkpoint* from;
  const Node* node;
};

std::string firstComponent(const std::string& key) { return key.substr(0, key.find('/')); }

void refuseInputs(const std::filesystem::path& output, const Checkpoint& source, const Checkpoint& target) {
  std::error_code ec;
  if (!std::filesystem::exists(output, ec)) return;
  for (const Checkpoint* c : {&source, &target})
    for (const auto& f : c->files())
      if (std::filesystem::equivalent(output, f, ec))
        throw fileError(output, "is one of the merge's inputs; choose another output file");
}

// Top-level layers of the result: the target's (renamed, dropped ones gone, weightless
// ones kept), then layers that only added variables bring.
// `keys` are the items' keys in the output format.
std::vector<std::string> resultLayers(const Checkpoint& target, const std::vector<Item>& items, const std::vector<std::string>& keys,
                                      const MergeEvaluation& evaluation) {
  std::unordered_map<const ResultSlot*, const std::string*> keyOf;
  for (std::size_t i = 0; i < items.size(); ++i) keyOf.emplace(items[i].slot, &keys[i]);
  // Per top-level node of the target that has slots: the output name of its last kept slot,
  // none when every slot was dropped (one pass over the slots: 100,000 variables in 58,000
  // layers stay linear).
  std::unordered_map<const Node*, std::optional<std::string>> keptName;
  for (const auto& s : evaluation.slots) {
    if (!s.target) continue;
    const Node* top = s.target;
    while (top->parent() && top->parent()->parent()) top = top->parent();
    if (top == s.target) continue;  // a variable at the root belongs to no layer
    auto& name = keptName[top];
    if (const auto it = keyOf.find(&s); it != keyOf.end()) name = firstComponent(*it->second);
  }
  std::vector<std::string> layers;
  std::set<std::string> seen;
  for (const auto& top : target.root().children()) {
    if (top->kind() != NodeKind::Layer) continue;
    std::string name = top->name();
    if (const auto it = keptName.find(top.get()); it != keptName.end()) {
      if (!it->second) continue;  // every slot of the layer dropped
      name = *it->second;
    }
    if (seen.insert(name).second) layers.push_back(name);
  }
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].slot->role == NodeRole::Weights) {
      const std::string layer = firstComponent(keys[i]);
      if (seen.insert(layer).second) layers.push_back(layer);
    }
  return layers;
}

// The target's model_config describes the result only if nothing structural changed.
bool modelUnchanged(const MergeEvaluation& evaluation) {
  for (const auto& s : evaluation.slots) {
    if (s.status == SlotStatus::Added || s.status == SlotStatus::Dropped) return false;
    if (s.target && (s.outputKey != s.target->tensor()->key || s.shape != s.target->tensor()->shape ||
                     s.dtype != s.target->tensor()->dtype))
      return false;
  }
  return true;
}

class Exporter {
 public:
  Exporter(const Checkpoint& source, const Checkpoint& target, const MergeEvaluation& evaluation,
           const std::filesystem::path& output, const ExportOptions& options)
      : source_(source), target_(target), evaluation_(evaluation), output_(output), options_(options) {}

  ExportReport run() {
    const auto started = std::chrono::steady_clock::now();
    if (evaluation_.hasConflicts())
      throw fileError(output_, std::to_string(evaluation_.conflictCount()) + " unresolved conflict(s); resolve or skip them before exporting");
    const CheckpointFormat* format = options_.format;
    if (!format) format = FormatRegistry::builtin().find(target_.formatId());
    if (format) output_ = format->outputFile(output_);
    refuseInputs(output_, source_, target_);
    auto writer = format ? format->createWriter() : nullptr;
    if (!writer) throw fileError(output_, "Graft cannot write " + (format ? format->displayName() : target_.formatId()) + " files yet");

    for (const auto& s : evaluation_.slots) {
      if (s.status == SlotStatus::Dropped) continue;
      items_.push_back({&s, s.source ? &source_ : &target_, s.source ? s.source : s.target});
    }
    // Weights before optimizer state, each in result order: the order Keras lists them.
    std::stable_partition(items_.begin(), items_.end(), [](const Item& i) { return i.slot->role != NodeRole::Optimizer; });

    OutputLayout layout;
    layout.model = &target_;
    layout.keepModelConfig = modelUnchanged(evaluation_);
    layout.shardBytes = options_.shardBytes;
    const bool foreign = format->id() != target_.formatId();  // e.g. a Keras 2 file written as a TF checkpoint
    std::vector<std::string> keys;
    for (const auto& item : items_) keys.push_back(item.slot->outputKey);
    if (foreign) {
      std::vector<std::string> paths;
      for (const auto& item : items_) paths.push_back(item.slot->path);
      keys = format->foreignKeys(paths, keys);
    }
    layout.layers = resultLayers(target_, items_, keys, evaluation_);
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const Item& item = items_[i];
      OutputTensor t;
      t.key = std::move(keys[i]);
      t.dtype = item.slot->dtype;
      t.shape = item.slot->shape;
      // A string tensor's size is that of its source bytes (per element: uint64 length, bytes).
      t.byteSize = t.dtype == DType::String ? item.node->tensor()->byteSize : *t.shape.elementCount() * dtypeSize(t.dtype);
      t.role = item.slot->role;
      progress_.bytesTotal += t.byteSize;
      layout.tensors.push_back(std::move(t));
    }
    progress_.tensorsTotal = items_.size();

    AtomicOutput out(output_);
    try {
      writer->create(out.temporaryPath(), layout);
      for (auto& [temporary, final] : writer->companions(output_)) out.addCompanion(temporary, final);
      buffer_.resize(options_.chunkBytes);
      for (std::size_t i = 0; i < items_.size(); ++i) {
        progress_.current = layout.tensors[i].key;
        writeTensor(items_[i], *writer->tensor(i), layout.tensors[i].byteSize);
        ++progress_.tensorsDone;
        report();
      }
      writer->finish();
      if (options_.verify) verify(out.temporaryPath(), layout, *format, *writer);
      writer->prepareCommit(output_);
    } catch (const ExportCancelled&) {
      throw;
    } catch (const Error& e) {
      const std::string temp = out.temporaryPath().string();
      std::string msg = e.what();
      // Name the destination, not the temporary file the user never chose.
      if (msg.rfind(temp, 0) == 0) msg = output_.string() + msg.substr(temp.size());
      throw Error(msg);
    }
    out.commit(options_.durable);

    ExportReport report;
    report.output = output_;
    report.tensors = items_.size();
    report.bytes = progress_.bytesTotal;
    report.verified = options_.verify;
    report.warnings = writer->warnings();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  }

 private:
  void checkCancel() const {
    if (options_.cancel && options_.cancel->load(std::memory_order_relaxed)) throw ExportCancelled();
  }

  void report() const {
    if (options_.progress) options_.progress(progress_);
  }

  void writeTensor(const Item& item, TensorSink& sink, std::uint64_t bytes) {
    checkCancel();
    auto stream = item.from->openTensor(*item.node);
    if (item.slot->transforms.empty() && stream->extent() && sink.extent()) {
      copyKernelSide(*stream->extent(), *sink.extent(), bytes, item);
      sink.copiedFrom(*stream->extent(), bytes);
      return;
    }
    auto producer = makeTensorPipeline(std::move(stream), *item.node->tensor(), item.slot->transforms);
    if (producer->size() != bytes) throw Error(item.slot->outputKey + ": produced size differs from the planned size");
    for (std::uint64_t done = 0; done < bytes;) {
      checkCancel();
      const std::size_t n = producer->produce(std::span<std::byte>(buffer_.data(), std::min<std::uint64_t>(buffer_.size(), bytes - done)));
      if (n == 0) throw Error(item.slot->outputKey + ": tensor data ended early");
      sink.write(std::span<const std::byte>(buffer_.data(), n));
      done += n;
      progress_.bytesDone += n;
      report();
    }
  }

  // Unchanged bytes go file to file inside the kernel (copy_file_range), no user-space copy.
  // Errors name the side at fault: the kernel call itself only knows descriptors.
  void copyKernelSide(FileExtent from, FileExtent to, std::uint64_t bytes, const Item& item) {
    loff_t in = static_cast<loff_t>(from.offset), outOff = static_cast<loff_t>(to.offset);
    for (std::uint64_t done = 0; done < bytes;) {
      checkCancel();
      const std::size_t want = std::min<std::uint64_t>(bytes - done, 64u << 20);
      const ssize_t n = ::copy_file_range(from.fd, &in, to.fd, &outOff, want, 0);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
          copyThroughBuffer(from.fd, static_cast<std::uint64_t>(in), to.fd, static_cast<std::uint64_t>(outOff), bytes - done);
          progress_.bytesDone += bytes - done;
          report();
          return;
        }
        const std::string tensor = "tensor '" + item.node->tensor()->key + "': ";
        if (n == 0) throw fileError(item.from->path(), tensor + "the file ended early (truncated while exporting?)");
        if (errno == ENOSPC || errno == EFBIG || errno == EDQUOT) throw fileError(output_, std::string("cannot write: ") + std::strerror(errno));
        throw fileError(item.from->path(), tensor + "copy failed: " + std::strerror(errno));
      }
      done += static_cast<std::uint64_t>(n);
      progress_.bytesDone += static_cast<std::uint64_t>(n);
      report();
    }
  }

  void copyThroughBuffer(int inFd, std::uint64_t in, int outFd, std::uint64_t out, std::uint64_t bytes) {
    for (std::uint64_t done = 0; done < bytes;) {
      checkCancel();
      const std::size_t want = std::min<std::uint64_t>(bytes - done, buffer_.size());
      const ssize_t r = ::pread(inFd, buffer_.data(), want, static_cast<off_t>(in + done));
      if (r <= 0) throw Error(std::string("read failed: ") + (r < 0 ? std::strerror(errno) : "source ended early"));
      for (ssize_t w = 0; w < r;) {
        const ssize_t k = ::pwrite(outFd, buffer_.data() + w, static_cast<std::size_t>(r - w), static_cast<off_t>(out + done + static_cast<std::uint64_t>(w)));
        if (k < 0) throw Error(std::string("write failed: ") + std::strerror(errno));
        w += k;
      }
      done += static_cast<std::uint64_t>(r);
    }
  }

  // Re-opens the written file as a user would and compares every tensor with what was meant.
  void verify(const std::filesystem::path& written, const OutputLayout& layout, const CheckpointFormat& format,
              const CheckpointWriter& writer) {
    const auto result = format.open(written);
    std::vector<std::byte> expected(buffer_.size());
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const OutputTensor& t = layout.tensors[i];
      const Node* got = result->findByKey(t.key);
      if (!got) {
        if (t.role == NodeRole::Optimizer) continue;  // a format with no place for optimizer state warned already
        throw Error("verification failed: '" + t.key + "' is missing from the written file");
      }
      if (got->tensor()->shape != t.shape || got->tensor()->dtype != t.dtype)
        throw Error("verification failed: '" + t.key + "' was written with another shape or dtype");
      if (writer.rewrites(i)) continue;
      progress_.current = "verifying " + t.key;
      auto want = makeTensorPipeline(items_[i].from->openTensor(*items_[i].node), *items_[i].node->tensor(), items_[i].slot->transforms);
      auto have = result->openTensor(*got);
      for (std::uint64_t done = 0; done < t.byteSize;) {
        checkCancel();
        const std::size_t n = want->produce(std::span<std::byte>(expected.data(), std::min<std::uint64_t>(expected.size(), t.byteSize - done)));
        if (n == 0) throw Error("verification failed: '" + t.key + "' source ended early");
        have->read(done, std::span<std::byte>(buffer_.data(), n));
        if (std::memcmp(expected.data(), buffer_.data(), n) != 0)
          throw Error("verification failed: '" + t.key + "' differs from what was meant near byte " + std::to_string(done));
        done += n;
      }
      report();
    }
  }

  const Checkpoint& source_;
  const Checkpoint& target_;
  const MergeEvaluation& evaluation_;
  std::filesystem::path output_;
  const ExportOptions& options_;
  std::vector<Item> items_;
  std::vector<std::byte> buffer_;
  ExportProgress progress_;
};

}  // namespace

ExportReport exportMerge(const Checkpoint& source, const Checkpoint& target, const MergeEvaluation& evaluation,
                         const std::filesystem::path& output, const ExportOptions& options) {
  return Exporter(source, target, evaluation, output, options).run();
}

}  // namespace graft
