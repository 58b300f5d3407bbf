#pragma once
// The look-elsewhere stage's tables, added to a copy of the scan's file: /lee/toys (one
// row per toy; the global significance, trials factor and Gross–Vitells estimate as its
// attributes), /lee/coverage (one row per tested scan row) and /expected (the expected
// limits of every /scan row, in the same order). Groups of an earlier run are replaced.
#include <string>

#include "io/event_writer.hpp"
#include "lee/look_elsewhere.hpp"

namespace darkscan::lee {

void write_lee(io::EventFileWriter& writer, const LeeResult& result, const std::string& backend);

}  // namespace darkscan::lee
