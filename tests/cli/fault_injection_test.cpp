// Exports under faults, in every output format: graft-cli killed with SIGKILL at random moments,
// exports cancelled at random points, a full disk, a source that breaks mid-read, and several
// exports and statistics at once. Never a partial file at the destination, never a changed
// input, and a rerun succeeds.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "checkpoint/listing.h"
#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "merge/exporter.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

namespace {

struct Format {
  const char* id;
  const char* file;  // output name; a TF checkpoint is named by its prefix
};
const Format kFormats[] = {{"keras2-h5", "model.h5"},
                           {"keras3-weights-h5", "model.weights.h5"},
                           {"safetensors", "model.safetensors"},
                           {"pytorch", "model.pt"},
                           {"tf-bundle", "model"}};

// One ~24 MB checkpoint written in every format, made once for the whole suite.
class FaultInjection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    MemoryCheckpointBuilder b("keras2-h5");
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 0.05f);
    for (int layer = 0; layer < 24; ++layer) {
      std::vector<float> kernel(512 * 512), bias(512);
      for (auto& v : kernel) v = normal(rng);
      for (auto& v : bias) v = normal(rng);
      b.layer("dense_" + std::to_string(layer), "Dense")
          .variable("kernel:0", Shape{512, 512}, std::move(kernel))
          .variable("bias:0", Shape{512}, std::move(bias));
    }
    const auto memory = b.build("memory");
    for (const Format& f : kFormats) {
      const fs::path in = inputDir() / f.file;
      fs::create_directories(in.parent_path());
      test::convertIdentity(*memory, in, FormatRegistry::builtin().find(f.id));
      inputs()[f.id] = in;
    }
    for (const auto& entry : fs::directory_iterator(inputDir())) contents()[entry.path()] = test::readFile(entry.path());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static fs::path inputDir() { return dir_->path() / "inputs"; }
  static std::map<std::string, fs::path>& inputs() {
    static std::map<std::string, fs::path> m;
    return m;
  }
  static std::map<fs::path, std::string>& contents() {
    static std::map<fs::path, std::string> m;
    return m;
  }
  // The file a user opens: a TF checkpoint by its index.
  static fs::path openable(const Format& f, const fs::path& p) {
    return std::string(f.id) == "tf-bundle" ? fs::path(p.string() + ".index") : p;
  }
  static std::string listing(const fs::path& p) {
    ListingOptions o;
    o.checksums = true;
    const auto c = FormatRegistry::builtin().open(p);
    // The file's name differs between an input and its copy; its tensors may not.
    return listingJson(*c, o)["variables"].dump();
  }
  static void expectInputsUnchanged() {
    for (const auto& [path, bytes] : contents()) EXPECT_TRUE(test::readFile(path) == bytes) << path << " changed";
  }

  static test::TempDir* dir_;
};

test::TempDir* FaultInjection::dir_ = nullptr;

std::size_t countEntries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

// 100 exports (20 per output format) killed with SIGKILL at a random moment of a verified
// convert: the destination is either absent or complete and equal to the input, the input never
// changes, and a rerun over the leftovers succeeds.
TEST_F(FaultInjection, HundredKilledExportsNeverLeaveAPartialDestination) {
  std::mt19937 rng(17);
  int killedBeforeTheEnd = 0, completed = 0;
  for (const Format& f : kFormats) {
    test::TempDir out;
    const fs::path in = inputs()[f.id], dest = out / f.file;
    // How long one export takes here, so that the kills spread over all of it.
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(test::waitForExit(test::spawnProcess({GRAFT_CLI_PATH, "convert", openable(f, in).string(), dest.string(), "-q"})), 0) << f.id;
    const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    fs::remove_all(out.path());
    fs::create_directories(out.path());
    for (int i = 0; i < 20; ++i) {
      const int pid = test::spawnProcess({GRAFT_CLI_PATH, "convert", openable(f, in).string(), dest.string(), "-q"});
      std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<long>(0, full.count() * 11 / 10)(rng)));
      kill(pid, SIGKILL);
      const int code = test::waitForExit(pid);
      if (code == 128 + SIGKILL) ++killedBeforeTheEnd; else ++completed;
      if (fs::exists(openable(f, dest))) {
        EXPECT_EQ(listing(openable(f, dest)), listing(openable(f, in))) << f.id << ": a partial file at the destination";
        fs::remove_all(out.path());
        fs::create_directories(out.path());
      }
    }
    // Killed runs may leave their hidden temporary files (.model.graft-XXXXXX...): a rerun
    // is not disturbed by them.
    ASSERT_EQ(test::waitForExit(test::spawnProcess({GRAFT_CLI_PATH, "convert", openable(f, in).string(), dest.string(), "-q"})), 0) << f.id;
    EXPECT_EQ(listing(openable(f, dest)), listing(openable(f, in))) << f.id;
  }
  expectInputsUnchanged();
  std::printf("killed before the end: %d, completed before the kill: %d\n", killedBeforeTheEnd, completed);
  EXPECT_GE(killedBeforeTheEnd, 50);  // most kills land inside the export
}

// 100 exports cancelled after a random number of progress reports, 20 per format.
TEST_F(FaultInjection, HundredCancelledExportsLeaveNothing) {
  std::mt19937 rng(23);
  int cancelled = 0;
  for (const Format& f : kFormats) {
    const auto in = FormatRegistry::builtin().open(openable(f, inputs()[f.id]));
    MergePlan plan;
    const auto evaluation = evaluatePlan(*in, *in, plan);
    test::TempDir out;
    for (int i = 0; i < 20; ++i) {
      std::atomic<bool> cancel{false};
      const int stopAfter = std::uniform_int_distribution<int>(0, 120)(rng);
      int calls = 0;
      ExportOptions options;
      options.chunkBytes = 256 << 10;  // more progress reports: more places to stop
      options.cancel = &cancel;
      options.progress = [&](const ExportProgress&) {
        if (++calls >= stopAfter) cancel = true;
      };
      try {
        exportMerge(*in, *in, evaluation, out / f.file, options);
        fs::remove_all(out.path());  // finished before the cancel: a whole result
        fs::create_directories(out.path());
      } catch (const ExportCancelled&) {
        ++cancelled;
        EXPECT_EQ(countEntries(out.path()), 0u) << f.id << " cancelled after " << stopAfter << " reports";
      }
    }
  }
  expectInputsUnchanged();
  EXPECT_GE(cancelled, 80);
}

// A full disk (a file-size limit: writes fail with EFBIG) in every format: a clear error that
// names the destination, nothing left behind; with room again, the same export succeeds.
TEST_F(FaultInjection, FullDiskInEveryFormatLeavesNothingAndARerunSucceeds) {
  for (const Format& f : kFormats) {
    for (const std::uint64_t limit : {std::uint64_t{4096}, std::uint64_t{6} << 20, std::uint64_t{20} << 20}) {
      const auto in = FormatRegistry::builtin().open(openable(f, inputs()[f.id]));
      test::TempDir out;
      struct rlimit old {};
      getrlimit(RLIMIT_FSIZE, &old);
      auto previous = signal(SIGXFSZ, SIG_IGN);
      struct rlimit small = old;
      small.rlim_cur = limit;
      setrlimit(RLIMIT_FSIZE, &small);
      std::string message;
      try {
        test::convertIdentity(*in, out / f.file);
      } catch (const Error& e) {
        message = e.what();
      }
      setrlimit(RLIMIT_FSIZE, &old);
      signal(SIGXFSZ, previous);
      EXPECT_EQ(message.rfind((out / f.file).string(), 0), 0u) << f.id << " at " << limit << ": " << message;
      EXPECT_EQ(countEntries(out.path()), 0u) << f.id << " at " << limit;
      test::convertIdentity(*in, out / f.file);
      EXPECT_EQ(listing(openable(f, out / f.file)), listing(openable(f, inputs()[f.id]))) << f.id;
    }
  }
  expectInputsUnchanged();
}

// The source is cut short after it was opened (another program truncating it): the export
// fails with an error naming the source, and leaves nothing.
TEST_F(FaultInjection, ASourceTruncatedMidExportIsAnErrorAndLeavesNothing) {
  for (const Format& f : kFormats) {
    test::TempDir work;
    fs::path copy = work / f.file, data = copy;
    if (std::string(f.id) == "tf-bundle") {
      fs::copy_file(inputs()[f.id].string() + ".index", copy.string() + ".index");
      data = copy.string() + ".data-00000-of-00001";
      fs::copy_file(inputs()[f.id].string() + ".data-00000-of-00001", data);
    } else {
      fs::copy_file(inputs()[f.id], copy);
    }
    const auto in = FormatRegistry::builtin().open(openable(f, copy));
    fs::resize_file(data, fs::file_size(data) / 2);
    fs::create_directories(work / "out");
    std::string message;
    try {
      test::convertIdentity(*in, work / "out" / f.file);
    } catch (const Error& e) {
      message = e.what();
    }
    EXPECT_FALSE(message.empty()) << f.id << ": a half file exported without an error";
    EXPECT_NE(message.find(work.path().string()), std::string::npos) << f.id << ": " << message;
    EXPECT_EQ(countEntries(work / "out"), 0u) << f.id;
  }
}

// Several exports and statistics at once from the CLI: each completes as it would alone.
TEST_F(FaultInjection, ConcurrentExportsAndStatisticsDoNotInterfere) {
  test::TempDir out;
  std::vector<std::pair<int, std::string>> running;
  for (const Format& f : kFormats) {
    running.emplace_back(test::spawnProcess({GRAFT_CLI_PATH, "convert", openable(f, inputs()[f.id]).string(), (out / f.file).string(), "-q"}), f.id);
    running.emplace_back(test::spawnProcess({GRAFT_CLI_PATH, "stats", openable(f, inputs()[f.id]).string(), "--bins", "64"}), std::string(f.id) + " stats");
  }
  for (const auto& [pid, what] : running) EXPECT_EQ(test::waitForExit(pid), 0) << what;
  for (const Format& f : kFormats) EXPECT_EQ(listing(openable(f, out / f.file)), listing(openable(f, inputs()[f.id]))) << f.id;
  expectInputsUnchanged();
}
