#pragma once
// The signal model stage (`darkscan efficiency`, docs/physics/signal-model.md): the model built
// from every signal sample of an event file, with progress over their candidates. The
// model stays in memory for the scan; signal_model_file.hpp writes and reads it.
#include "backend/backend.hpp"
#include "config/config.hpp"
#include "io/event_file.hpp"
#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {

// `shard`: its range of the signal points only (docs/cluster.md).
SignalModel efficiency(Backend& backend, const io::EventFile& file, const config::Config& config, Shard shard = {});

}  // namespace darkscan::signal_model
