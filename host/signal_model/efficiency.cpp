#include "signal_model/efficiency.hpp"

#include "progress.hpp"

namespace darkscan::signal_model {

SignalModel efficiency(Backend& backend, const io::EventFile& file, const config::Config& config, Shard shard) {
  Progress progress("efficiency", signal_rows(file, shard), "candidates");
  auto model = build_signal_model(backend, file, config, &progress, shard);
  progress.finish();
  return model;
}

}  // namespace darkscan::signal_model
