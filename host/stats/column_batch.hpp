#pragma once
// The statistics of a batch given as columns in a backend's memory
// (stats/experiment_columns.hpp): the Python package's device arrays, evaluated on the
// CUDA backend without a copy to the host (docs/python.md#device-arrays). The values
// are checked where they are, by the rules of the CSV reader (stats::value_accepted);
// only the first refused one comes to the host, for its message; the plan is
// plan_statistics' of the batch's distinct projections, so the results are the bits
// marginalise_batch gives for the same experiments.
#include <array>
#include <cstdint>
#include <optional>

#include "backend/backend.hpp"
#include "stats/experiment_values.hpp"

namespace darkscan::stats {

struct RefusedValue {
  ExperimentField field = kNObsField;
  std::uint64_t element = 0;  // in C order over the column's own shape
  double value = 0.0;
};

// Elements of a column over its own shape (1 for a number).
std::uint64_t column_size(const StridedColumn& column);

// The first value the engine refuses, column by column in field order, each column over
// its own shape; nullopt where every value is accepted.
std::optional<RefusedValue> first_refused_value(Backend& backend,
                                                const std::array<StridedColumn, kExperimentFields>& columns,
                                                const StatsOptions& options);

// The statistics of every experiment of the batch (its columns broadcast to batch.size
// elements, every value accepted) into the batch's result arrays, by
// Backend::marginalise_columns with plan_statistics as the planner. InputError for a
// credibility level outside (0, 1).
void marginalise_columns(Backend& backend, const ExperimentColumns& batch, const StatsOptions& options);

}  // namespace darkscan::stats
