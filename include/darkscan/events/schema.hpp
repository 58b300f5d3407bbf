#pragma once
// The logical event columns of docs/formats/events.md: the names the selection reads, their
// in-memory types, and which samples must carry them. A scan config maps each
// logical name to a stored dataset or compound field (see host/io/column_mapping).
#include <array>
#include <string_view>

#include "darkscan/core/dtype.hpp"

namespace darkscan::events {

enum class ColumnRole : unsigned char {
  key,       // event number: groups candidates, never cut on
  detector,  // read by a cut: must be finite
  mc_truth,  // MC samples only: true proper decay lengths (lifetime reweighting)
  mc_weight  // MC samples only, optional, default 1
};

struct LogicalColumn {
  std::string_view name;
  DType dtype;
  ColumnRole role;
};

namespace detail {
// Per-track columns, in the order docs/formats/events.md lists them.
#define DS_TRACK_COLUMNS(t)                                                                     \
  LogicalColumn{t "_px", DType::f32, ColumnRole::detector},                                      \
      LogicalColumn{t "_py", DType::f32, ColumnRole::detector},                                  \
      LogicalColumn{t "_pz", DType::f32, ColumnRole::detector},                                  \
      LogicalColumn{t "_charge", DType::i8, ColumnRole::detector},                               \
      LogicalColumn{t "_nhits", DType::i32, ColumnRole::detector},                               \
      LogicalColumn{t "_theta_ext", DType::f32, ColumnRole::detector},                           \
      LogicalColumn{t "_e_ecl", DType::f32, ColumnRole::detector},                               \
      LogicalColumn{t "_pid", DType::i8, ColumnRole::detector}
}  // namespace detail

inline constexpr std::array kColumns{
    LogicalColumn{"event", DType::i64, ColumnRole::key},
    LogicalColumn{"ecl_energy_trigger", DType::f32, ColumnRole::detector},
    LogicalColumn{"ecl_energy_extra", DType::f32, ColumnRole::detector},
    LogicalColumn{"n_extra_tracks", DType::i32, ColumnRole::detector},
    LogicalColumn{"miss_klm_angle", DType::f32, ColumnRole::detector},
    LogicalColumn{"hp_vx", DType::f32, ColumnRole::detector},
    LogicalColumn{"hp_vy", DType::f32, ColumnRole::detector},
    LogicalColumn{"hp_vz", DType::f32, ColumnRole::detector},
    LogicalColumn{"chi_vx", DType::f32, ColumnRole::detector},
    LogicalColumn{"chi_vy", DType::f32, ColumnRole::detector},
    LogicalColumn{"chi_vz", DType::f32, ColumnRole::detector},
    DS_TRACK_COLUMNS("hp_trk0"),
    DS_TRACK_COLUMNS("hp_trk1"),
    DS_TRACK_COLUMNS("chi_trk0"),
    DS_TRACK_COLUMNS("chi_trk1"),
    LogicalColumn{"true_hp_ctau", DType::f32, ColumnRole::mc_truth},
    LogicalColumn{"true_chi2_ctau", DType::f32, ColumnRole::mc_truth},
    LogicalColumn{"mc_weight", DType::f32, ColumnRole::mc_weight},
};
#undef DS_TRACK_COLUMNS

// Index of a logical column in kColumns, or -1.
constexpr int column_index(std::string_view name) {
  for (std::size_t i = 0; i < kColumns.size(); ++i)
    if (kColumns[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace darkscan::events
