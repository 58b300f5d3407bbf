#pragma once
// Per-column summary: row count, range of the finite values, and where the first
// non-finite value sits. Every field combines by an associative, commutative,
// exact operation (counts, min, max), so the result is the same bits whatever the
// order, the thread count, the chunking or the backend.
#include <cstdint>
#include <limits>

#include "darkscan/core/column_view.hpp"

namespace darkscan {

struct ColumnSummary {
  static constexpr std::uint64_t no_row = ~std::uint64_t{0};

  std::uint64_t rows = 0;
  std::uint64_t n_nonfinite = 0;
  std::uint64_t first_nonfinite_row = no_row;  // global row index
  double min = std::numeric_limits<double>::infinity();  // over finite values only
  double max = -std::numeric_limits<double>::infinity();
};

DS_FORCEINLINE_FUNCTION bool is_finite_value(double v) {
  // v - v is NaN for both NaN and ±inf: one expression, the same on host and device.
  return v == v && v - v == 0.0;
}

DS_FORCEINLINE_FUNCTION ColumnSummary summarize_value(double v, std::uint64_t row) {
  ColumnSummary s;
  s.rows = 1;
  if (is_finite_value(v)) {
    s.min = v;
    s.max = v;
  } else {
    s.n_nonfinite = 1;
    s.first_nonfinite_row = row;
  }
  return s;
}

struct MergeColumnSummary {
  DS_FORCEINLINE_FUNCTION ColumnSummary operator()(const ColumnSummary& a, const ColumnSummary& b) const {
    ColumnSummary s;
    s.rows = a.rows + b.rows;
    s.n_nonfinite = a.n_nonfinite + b.n_nonfinite;
    s.first_nonfinite_row = a.first_nonfinite_row < b.first_nonfinite_row ? a.first_nonfinite_row : b.first_nonfinite_row;
    s.min = a.min < b.min ? a.min : b.min;
    s.max = a.max > b.max ? a.max : b.max;
    return s;
  }
};

// Row i of a chunk that starts at global row `first_row`, as a one-row summary: the
// map step of the reduction, shared by the OpenMP loop and the CUB reduction.
struct SummarizeRow {
  ColumnView column;
  std::uint64_t first_row = 0;

  DS_FORCEINLINE_FUNCTION ColumnSummary operator()(std::uint64_t i) const {
    return summarize_value(column.as_double(i), first_row + i);
  }
};

}  // namespace darkscan
