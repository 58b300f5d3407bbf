#pragma once
// The scan's result file: /scan (one row per final state, cτ and window) and
// /scan_combined (one row per cτ and mass of the common grid), every dataset with its
// `unit` and `description` attributes (README, "darkscan scan").
#include "io/event_writer.hpp"
#include "scan/scan.hpp"

namespace darkscan::scan {

void write_scan(io::EventFileWriter& writer, const ScanResult& result);

// The /scan rows of a scan output; InputError naming the file and the column when one
// is missing or of another length.
ScanTable read_scan_rows(const std::string& path);

}  // namespace darkscan::scan
