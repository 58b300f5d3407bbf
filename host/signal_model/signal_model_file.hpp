#pragma once
// The signal model's file, written and read back: /points/<point>,
// /efficiency_chi2/<point>, /efficiency/<sample>, /resolution/<sample> and
// /maps/<final state> (docs/formats/outputs.md#signal_modelh5). Read back are the points of /points (their
// efficiency maps over cτ(h'), uncertainties, trust flags and mass resolution), what the
// scan needs, and the maps over cτ(h') x cτ(chi2) of /efficiency_chi2 when the file has
// them (the y interpretation); the per-sample tables stay in the file.
#include <string>

#include "io/event_writer.hpp"
#include "io/provenance.hpp"
#include "signal_model/signal_model.hpp"

namespace darkscan::signal_model {

// Root attributes: the provenance, then luminosity_rel_unc (the scan's systematic input).
void write_signal_model(io::EventFileWriter& writer, const SignalModel& model, const io::Provenance& provenance,
                        double luminosity_rel_unc);

// The root attributes write_signal_model writes.
io::Attributes signal_model_root_attributes(const io::Provenance& provenance, double luminosity_rel_unc);
void write_signal_model(io::EventFileWriter& writer, const SignalModel& model, const io::Attributes& root);

// /maps/<final state> of `points` in their order (a row per point and cτ): the tables
// write_signal_model ends with, and a merge of shards writes from their points.
void write_maps(io::EventFileWriter& writer, const std::vector<SignalPointModel>& points,
                const std::vector<double>& ctau_cm);

// InputError naming the file, table or attribute when the file is not such an output.
SignalModel read_signal_model(const std::string& path);

}  // namespace darkscan::signal_model
