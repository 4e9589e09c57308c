#pragma once
// What the Inspector computes for one variable or a source → target pair, and the function a
// worker thread runs to compute it. Only this reads tensor bytes; the dock never does.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "stats/cancel_token.h"
#include "stats/tensor_statistics.h"

namespace graft::ui {

struct InspectedVariable {
  std::shared_ptr<const Checkpoint> checkpoint;  // keeps the node alive while a worker reads it
  const Node* node = nullptr;                    // a variable of checkpoint
};

struct InspectionRequest {
  std::vector<InspectedVariable> variables;  // one, or a source → target pair
  std::size_t bins = 64;
};

struct VariableFindings {
  std::optional<TensorStatistics> statistics;  // absent for dtypes without statistics, or on error
  std::string error;                           // why the tensor could not be read
};

struct InspectionResult {
  std::vector<VariableFindings> variables;  // in request order
  std::optional<DiffMetrics> diff;          // a pair of equal shapes
  std::string diffError;                    // why the pair could not be compared, if it could not
  bool cancelled = false;
};

// The histogram range shared by a pair: the union of their finite ranges, widened as numpy
// widens a single value. nullopt when neither has a finite value.
std::optional<std::pair<double, double>> unionRange(const std::vector<const TensorStatistics*>& statistics);

// Whether a pair can be compared value by value (the diff needs equal shapes and numbers).
bool comparable(const Node& a, const Node& b);

// Reads tensor bytes: run it on a worker thread. A pair's histograms share one range so bars
// line up bin for bin. progress gets the fraction done, 0..1, from the computation's threads.
InspectionResult runInspection(const InspectionRequest& request, const CancelToken& cancel,
                               const std::function<void(double)>& progress = {});

}  // namespace graft::ui
