#pragma once
// The interpretation stage (`darkscan interpret`, docs/physics/interpretation.md): from a scan's
// rows, the final states combined into limits on σ_prod × B(chi2 → chi1 e+e-) at every
// (m(h'), cτ(h')), the sinθ exclusion of the config's model point and, on request, of
// the paper's benchmark points, and the y limit vs m(chi1) where the signal model has
// maps over cτ(chi2). interpret_file.hpp writes the result.
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "interpret/interpret.hpp"
#include "interpret/interpret_file.hpp"
#include "interpret/model_points.hpp"
#include "interpret/y_limit.hpp"
#include "io/event_writer.hpp"
#include "scan/scan.hpp"
#include "scan/scan_file.hpp"
#include "signal_model/signal_model.hpp"

namespace darkscan::interpret {

// Theory inputs that replace the built-in formulas (CSV or HDF5 tables); empty: built in.
struct InterpretRequest {
  std::string widths_table;
  std::string xsec_table;
  std::string chi2_table;
  bool benchmark_points = false;  // also the paper's benchmark set (or interpret.benchmark_points)
  Shard shard;                    // only this shard's work (docs/cluster.md#interpret-shards)
};

// The work of an interpretation as the shards split it (docs/cluster.md#interpret-shards):
// the grid masses of /combined_limits (each at every lifetime, for every model point,
// with its sinθ exclusion), then the (m(chi1), point) pairs of the y limit.
struct InterpretWork {
  std::uint64_t grid_masses = 0, y_pairs = 0;
  std::uint64_t items() const { return grid_masses + y_pairs; }
  IndexRange masses(Shard shard) const;  // the shard's grid masses
  IndexRange pairs(Shard shard) const;   // and its pairs
};

struct Interpretation {
  physics::DarkSectorPoint model;  // the config's [model] point
  double sqrt_s = 0;
  std::string widths_source;
  double widths_valid_up_to = 0;
  std::vector<ModelPoint> points;  // the model point first
  CombinedLimits combined;         // the model point's (the generated cτ(chi2))
  std::vector<PointResult> results;
  bool y_limit = false;            // made: the model has maps over cτ(chi2)
  YLimitSettings y_settings;
  std::vector<YLimitMass> y;
  io::Attributes attributes;       // the model point and theory sources, on every table
  InterpretWork work;              // of the whole run, whatever shard this is
};

// `model` (optional) must be the model the scan used (the caller checks); `config_path`
// names the config in errors. With `request.shard` a part of the run: its grid masses'
// rows of /combined_limits and /sin_theta and its pairs' of /y_limit, every model point.
Interpretation interpret(Backend& backend, const config::Config& config, const std::string& config_path,
                         const scan::ScanTable& rows, const scan::CombinedTable& combined,
                         const scan::ScanSettings& settings, const signal_model::SignalModel* model,
                         const InterpretRequest& request);

}  // namespace darkscan::interpret
