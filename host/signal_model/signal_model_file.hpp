#pragma once
// Reading a signal model back from the file `darkscan efficiency` wrote: the points of
// /points (their efficiency maps over cτ(h'), uncertainties, trust flags and mass
// resolution), what the scan needs, and the maps over cτ(h') x cτ(chi2) of
// /efficiency_chi2 when the file has them (the y interpretation). The per-sample tables
// stay in the file.
#include <string>

#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {

// InputError naming the file, table or attribute when the file is not such an output.
SignalModel read_signal_model(const std::string& path);

}  // namespace darkscan::signal_model
