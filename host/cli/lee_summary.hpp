#pragma once
// What `darkscan lee` and `darkscan merge` print of a look-elsewhere result: the observed
// and global significance, the Gross–Vitells estimate, the coverage points and the
// limits at the largest excess (docs/commands/lee.md#outputs).
#include "lee/look_elsewhere.hpp"
#include "scan/scan.hpp"

namespace darkscan::cli {

void print_lee_summary(const lee::LeeResult& result, const scan::ScanTable& rows);

}  // namespace darkscan::cli
