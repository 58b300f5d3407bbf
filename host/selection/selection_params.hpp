#pragma once
// The selection's thresholds and beams from the scan config: the [selection] keys
// (degrees, as the paper quotes them) converted to the core's radians, the beams from
// [collider].
#include "config/config.hpp"
#include "darkscan/selection/evaluate.hpp"

namespace darkscan::selection {

SelectionParams params_from_config(const config::Config& config);

}  // namespace darkscan::selection
