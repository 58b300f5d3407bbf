#pragma once
// The scan's result file: /scan (one row per final state, cτ and window) and
// /scan_combined (one row per cτ and mass of the common grid), every dataset with its
// `unit` and `description` attributes (README, "darkscan scan").
#include "io/event_writer.hpp"
#include "scan/scan.hpp"

namespace darkscan::scan {

void write_scan(io::EventFileWriter& writer, const ScanResult& result);

}  // namespace darkscan::scan
