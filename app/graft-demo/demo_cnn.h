#pragma once
// The demo checkpoints the window opens on first start: a small Keras 2 Sequential CNN for
// 28x28 grey images, built in memory with plausible trained-looking values.

#include <cstdint>
#include <memory>
#include <string>

#include "checkpoint/checkpoint.h"

namespace graft::demo {

struct DemoCnnSpec {
  std::string label;        // what the checkpoint calls itself before it is written
  std::uint32_t seed = 0;   // fixed, so every build writes the same bytes
  int classes = 10;         // units of the head, dense_1
};

// Conv2D(16) BN MaxPool Conv2D(32) BN MaxPool Flatten Dense(128) Dropout Dense(classes), with a
// model_config describing exactly that, so it is written as a full Keras model.
std::unique_ptr<Checkpoint> makeDemoCnn(const DemoCnnSpec& spec);

// The Keras 2 model_config JSON of that model.
std::string demoCnnModelConfig(int classes);

}  // namespace graft::demo
