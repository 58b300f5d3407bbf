#include "signal_model/efficiency.hpp"

#include "progress.hpp"

namespace darkscan::signal_model {

SignalModel efficiency(Backend& backend, const io::EventFile& file, const config::Config& config) {
  std::uint64_t rows = 0;
  for (const auto& s : file.samples())
    if (s.kind == "signal") rows += s.rows;
  Progress progress("efficiency", rows, "candidates");
  auto model = build_signal_model(backend, file, config, &progress);
  progress.finish();
  return model;
}

}  // namespace darkscan::signal_model
