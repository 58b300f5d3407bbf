#pragma once
// The tables of `darkscan interpret` (layout in docs/formats/outputs.md#interpretationh5): /model_points, /combined_limits
// (the [model] point's), /sin_theta/masses and /sin_theta/intervals, and /y_limit/masses,
// /y_limit/intervals and /y_limit/curve, every table carrying a `model_point` index into
// /model_points where several points were interpreted.
#include <span>
#include <string_view>
#include <vector>

#include "interpret/interpret.hpp"
#include "interpret/y_limit.hpp"
#include "io/event_writer.hpp"
#include "io/provenance.hpp"

namespace darkscan::interpret {

// One interpreted model point: its parameters, which cτ(chi2) its efficiencies are at,
// and its sinθ exclusion.
struct PointResult {
  ModelPoint point;
  double ctau_chi2_cm = 0;             // the point's own (docs/physics/dark-sector.md)
  double efficiency_ctau_chi2_cm = 0;  // the efficiencies': its own, or the generated one without maps
  std::vector<SinThetaMass> sin_theta;
};

void write_model_points(io::EventFileWriter& writer, const std::vector<PointResult>& points,
                        const std::vector<YLimitMass>& y, const io::Attributes& attributes);
void write_combined_limits(io::EventFileWriter& writer, const CombinedLimits& limits,
                           const io::Attributes& attributes);
void write_sin_theta(io::EventFileWriter& writer, const std::vector<PointResult>& points,
                     const io::Attributes& attributes);
void write_y_limit(io::EventFileWriter& writer, const std::vector<YLimitMass>& y, const YLimitSettings& settings,
                   const io::Attributes& attributes);

struct Interpretation;  // interpretation.hpp
// Every table above (/y_limit where the interpretation made it), the provenance on the root.
void write_interpretation(io::EventFileWriter& writer, const Interpretation& result, const io::Provenance& provenance);
// The same with the root attributes given (a shard's: docs/cluster.md#interpret-shards).
void write_interpretation(io::EventFileWriter& writer, const Interpretation& result, const io::Attributes& root);

// A table of the file: where it is and its columns, in the order they are written.
struct TableLayout {
  std::string_view parent, name;
  std::span<const io::ColumnDoc> columns;
};
// The tables in the order write_interpretation writes them (the /y_limit ones last).
std::span<const TableLayout> interpretation_tables();

}  // namespace darkscan::interpret
