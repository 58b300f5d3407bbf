#include "stats/column_batch.hpp"

#include "stats/stats_plan.hpp"

namespace darkscan::stats {

std::uint64_t column_size(const StridedColumn& column) {
  if (column.data == nullptr) return 1;
  std::uint64_t n = 1;
  for (int d = 0; d < column.ndim; ++d) n *= static_cast<std::uint64_t>(column.extent[d]);
  return n;
}

std::optional<RefusedValue> first_refused_value(Backend& backend,
                                                const std::array<StridedColumn, kExperimentFields>& columns,
                                                const StatsOptions& options) {
  for (int f = 0; f < kExperimentFields; ++f) {
    const auto field = static_cast<ExperimentField>(f);
    const StridedColumn& c = columns[f];
    if (c.data == nullptr) {  // a number, on the host
      if (!value_accepted(field, c.constant, options.nuisance_prior)) return RefusedValue{field, 0, c.constant};
      continue;
    }
    if (const std::int64_t i = backend.first_refused(c, column_size(c), field, options); i >= 0) {
      const auto element = static_cast<std::uint64_t>(i);
      return RefusedValue{field, element, backend.element(c, element)};
    }
  }
  return std::nullopt;
}

void marginalise_columns(Backend& backend, const ExperimentColumns& batch, const StatsOptions& options) {
  validate_batch({}, options);  // the credibility level, with the engine's message
  backend.marginalise_columns(
      batch, [&](std::span<const CountingExperiment> distinct) { return plan_statistics(distinct, options); }, options);
}

}  // namespace darkscan::stats
