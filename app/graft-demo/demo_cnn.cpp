#include "demo_cnn.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <numbers>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "checkpoint/memory_checkpoint.h"

namespace graft::demo {
namespace {

using Json = nlohmann::ordered_json;  // keeps Keras' key order

constexpr int kInputSide = 28;
constexpr int kFilters1 = 16;
constexpr int kFilters2 = 32;
constexpr int kFlattened = 5 * 5 * kFilters2;  // 28 -conv-> 26 -pool-> 13 -conv-> 11 -pool-> 5
constexpr int kHidden = 128;

// Normal draws by Box-Muller over mt19937's raw output: std::normal_distribution differs
// between standard libraries, and the demo files should not.
class NormalSource {
 public:
  explicit NormalSource(std::uint32_t seed) : engine_(seed) {}

  double next() {
    if (spare_) return *std::exchange(spare_, std::nullopt);
    const double u1 = (static_cast<double>(engine_()) + 1.0) / 4294967297.0;  // (0, 1]: log stays finite
    const double u2 = static_cast<double>(engine_()) / 4294967296.0;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    spare_ = radius * std::sin(2.0 * std::numbers::pi * u2);
    return radius * std::cos(2.0 * std::numbers::pi * u2);
  }

  // Keras' HeNormal: a normal truncated at two standard deviations, scaled to sqrt(2 / fan_in).
  std::vector<float> heNormal(std::size_t count, int fanIn) {
    const double stddev = std::sqrt(2.0 / fanIn) / 0.87962566103423978;
    std::vector<float> v(count);
    for (auto& x : v) {
      double z = next();
      while (std::abs(z) > 2.0) z = next();
      x = static_cast<float>(stddev * z);
    }
    return v;
  }

  std::vector<float> normal(std::size_t count, double mean, double stddev) {
    std::vector<float> v(count);
    for (auto& x : v) x = static_cast<float>(mean + stddev * next());
    return v;
  }

  // Positive values spread around `median` (moving variances, means after a ReLU).
  std::vector<float> logNormal(std::size_t count, double median, double sigma) {
    std::vector<float> v(count);
    for (auto& x : v) x = static_cast<float>(median * std::exp(sigma * next()));
    return v;
  }

 private:
  std::mt19937 engine_;
  std::optional<double> spare_;
};

void addConv(MemoryCheckpointBuilder& b, NormalSource& values, const std::string& name, int in, int out) {
  b.layer(name, "Conv2D")
      .variable("kernel:0", Shape{3, 3, in, out}, values.heNormal(static_cast<std::size_t>(9 * in * out), 9 * in))
      .variable("bias:0", Shape{out}, values.normal(static_cast<std::size_t>(out), 0.0, 0.02));
}

// Follows a ReLU convolution, so its moving mean is positive.
void addBatchNorm(MemoryCheckpointBuilder& b, NormalSource& values, const std::string& name, int channels) {
  const auto n = static_cast<std::size_t>(channels);
  b.layer(name, "BatchNormalization")
      .variable("gamma:0", Shape{channels}, values.normal(n, 1.0, 0.1))
      .variable("beta:0", Shape{channels}, values.normal(n, 0.0, 0.05))
      .variable("moving_mean:0", Shape{channels}, values.logNormal(n, 0.4, 0.5))
      .variable("moving_variance:0", Shape{channels}, values.logNormal(n, 0.25, 0.6));
}

void addDense(MemoryCheckpointBuilder& b, NormalSource& values, const std::string& name, int in, int out) {
  b.layer(name, "Dense")
      .variable("kernel:0", Shape{in, out}, values.heNormal(static_cast<std::size_t>(in * out), in))
      .variable("bias:0", Shape{out}, values.normal(static_cast<std::size_t>(out), 0.0, 0.01));
}

Json initializer(const std::string& cls, Json config = Json::object()) { return {{"class_name", cls}, {"config", config}}; }

Json common(const std::string& name) { return {{"name", name}, {"trainable", true}, {"dtype", "float32"}}; }

Json conv2dConfig(const std::string& name, int filters, bool first) {
  Json c = common(name);
  if (first) c["batch_input_shape"] = {nullptr, kInputSide, kInputSide, 1};
  c["filters"] = filters;
  c["kernel_size"] = {3, 3};
  c["strides"] = {1, 1};
  c["padding"] = "valid";
  c["data_format"] = "channels_last";
  c["dilation_rate"] = {1, 1};
  c["groups"] = 1;
  c["activation"] = "relu";
  c["use_bias"] = true;
  c["kernel_initializer"] = initializer("HeNormal", {{"seed", nullptr}});
  c["bias_initializer"] = initializer("Zeros");
  for (const char* k : {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"})
    c[k] = nullptr;
  return c;
}

Json batchNormConfig(const std::string& name) {
  Json c = common(name);
  c["axis"] = {3};
  c["momentum"] = 0.99;
  c["epsilon"] = 0.001;
  c["center"] = true;
  c["scale"] = true;
  c["beta_initializer"] = initializer("Zeros");
  c["gamma_initializer"] = initializer("Ones");
  c["moving_mean_initializer"] = initializer("Zeros");
  c["moving_variance_initializer"] = initializer("Ones");
  for (const char* k : {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"}) c[k] = nullptr;
  return c;
}

Json maxPoolConfig(const std::string& name) {
  Json c = common(name);
  c["pool_size"] = {2, 2};
  c["padding"] = "valid";
  c["strides"] = {2, 2};
  c["data_format"] = "channels_last";
  return c;
}

Json flattenConfig(const std::string& name) {
  Json c = common(name);
  c["data_format"] = "channels_last";
  return c;
}

Json denseConfig(const std::string& name, int units, const std::string& activation) {
  Json c = common(name);
  c["units"] = units;
  c["activation"] = activation;
  c["use_bias"] = true;
  c["kernel_initializer"] = initializer("HeNormal", {{"seed", nullptr}});
  c["bias_initializer"] = initializer("Zeros");
  for (const char* k : {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"})
    c[k] = nullptr;
  return c;
}

Json dropoutConfig(const std::string& name) {
  Json c = common(name);
  c["rate"] = 0.5;
  c["noise_shape"] = nullptr;
  c["seed"] = nullptr;
  return c;
}

Json layer(const std::string& cls, Json config) { return {{"class_name", cls}, {"config", std::move(config)}}; }

}  // namespace

std::string demoCnnModelConfig(int classes) {
  Json input = {{"batch_input_shape", {nullptr, kInputSide, kInputSide, 1}},
                {"dtype", "float32"},
                {"sparse", false},
                {"ragged", false},
                {"name", "conv2d_input"}};
  Json layers = Json::array({layer("InputLayer", input),
                             layer("Conv2D", conv2dConfig("conv2d", kFilters1, true)),
                             layer("BatchNormalization", batchNormConfig("batch_normalization")),
                             layer("MaxPooling2D", maxPoolConfig("max_pooling2d")),
                             layer("Conv2D", conv2dConfig("conv2d_1", kFilters2, false)),
                             layer("BatchNormalization", batchNormConfig("batch_normalization_1")),
                             layer("MaxPooling2D", maxPoolConfig("max_pooling2d_1")),
                             layer("Flatten", flattenConfig("flatten")),
                             layer("Dense", denseConfig("dense", kHidden, "relu")),
                             layer("Dropout", dropoutConfig("dropout")),
                             layer("Dense", denseConfig("dense_1", classes, "softmax"))});
  Json model = {{"class_name", "Sequential"}, {"config", {{"name", "sequential"}, {"layers", std::move(layers)}}}};
  return model.dump();
}

std::unique_ptr<Checkpoint> makeDemoCnn(const DemoCnnSpec& spec) {
  NormalSource values(spec.seed);
  MemoryCheckpointBuilder b("memory");
  addConv(b, values, "conv2d", 1, kFilters1);
  addBatchNorm(b, values, "batch_normalization", kFilters1);
  b.layer("max_pooling2d", "MaxPooling2D");
  addConv(b, values, "conv2d_1", kFilters1, kFilters2);
  addBatchNorm(b, values, "batch_normalization_1", kFilters2);
  b.layer("max_pooling2d_1", "MaxPooling2D");
  b.layer("flatten", "Flatten");
  addDense(b, values, "dense", kFlattened, kHidden);
  b.layer("dropout", "Dropout");
  addDense(b, values, "dense_1", kHidden, spec.classes);
  // What the Keras 2 writer needs to write a full model.save file.
  b.setFormatAttribute("layout", "model");
  b.setFormatAttribute("keras_version", "2.15.0");
  b.setFormatAttribute("backend", "tensorflow");
  b.setFormatAttribute("model_config", demoCnnModelConfig(spec.classes));
  b.setFramework("Keras 2.15.0");
  b.setMetadata("layout", "model.save (model_weights + model_config)");
  b.setMetadata("keras_version", "2.15.0");
  b.setMetadata("backend", "tensorflow");
  return b.build(spec.label);
}

}  // namespace graft::demo
