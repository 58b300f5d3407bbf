#pragma once
// The look-elsewhere stage's tables, added to a copy of the scan's file: /lee/toys (one
// row per toy; the global significance, trials factor and Gross–Vitells estimate as its
// attributes), /lee/coverage (one row per tested scan row) and /expected (the expected
// limits of every /scan row, in the same order). Groups of an earlier run are replaced.
#include <string>
#include <vector>

#include "io/event_writer.hpp"
#include "lee/look_elsewhere.hpp"

namespace darkscan::lee {

void write_lee(io::EventFileWriter& writer, const LeeResult& result, const std::string& backend);

// The tables write_lee writes, for a shard's /lee_shard (lee_shard_file.hpp) as well:
// the coverage points (`finished`: with coverage and coverage_unc) and the expected
// limits, under /<parent>/<name>.
void write_coverage_table(io::EventFileWriter& writer, const std::string& parent, const std::string& name,
                          const std::vector<CoveragePoint>& points, const io::Attributes& attributes, bool finished);
void write_expected_table(io::EventFileWriter& writer, const std::string& parent, const std::string& name,
                          const io::Attributes& attributes, const ExpectedLimits& expected);

}  // namespace darkscan::lee
