#pragma once
// The h' widths, branching fractions and lifetime as functions of m(h') and sinθ
// (docs/physics/dark-sector.md), behind one interface with two sources:
//  - built in: the leptonic widths from their leading-order formula and the ππ and KK
//    widths from Winkler's dispersive calculation (theory/winkler_*.txt, interpolated
//    linearly in m(h')), valid up to 2.0 GeV; the total is Γ_ee + Γ_μμ + Γ_ππ + Γ_KK, which
//    misses 4π, ηη and gluons above about 1.4 GeV (flagged: cτ too long there);
//  - a user table (CSV): the reference calculations a user trusts instead.
// Widths are at sinθ = 1 and summed over charge states; Γ(π+π−) = 2/3 Γ(ππ) and
// Γ(K+K−) = 1/2 Γ(KK).
#include <filesystem>
#include <string>
#include <vector>

namespace darkscan::physics {

enum class HiggsChannel { ee, mumu, pipi, kk };  // the charged final states x+x−

class DarkHiggsWidths {
 public:
  // The built-in widths; the tables are read from `theory_dir` (default: $DARKSCAN_THEORY_DIR,
  // else the source tree's theory/). InputError naming the file when one is missing or bad.
  static DarkHiggsWidths builtin(std::filesystem::path theory_dir = {});
  // A user table, CSV or HDF5 (io::read_numeric_table), with the columns m_hp_gev,
  // gamma_ee_gev, gamma_mumu_gev, gamma_pipi_gev, gamma_kk_gev (ππ and KK summed over
  // charge states, at sinθ = 1) and optionally gamma_total_gev; rows in increasing mass.
  // Valid over its mass range. InputError naming the file, row and column on bad input.
  static DarkHiggsWidths from_table(const std::string& path);

  // Γ̂(h' → x+x−) at sinθ = 1, GeV (0 below threshold; NaN above valid_up_to()).
  double partial_hat(HiggsChannel channel, double m_hp) const;
  double total_hat(double m_hp) const;
  // B(h' → x+x−), independent of θ.
  double branching(HiggsChannel channel, double m_hp) const;
  // cτ(h') = ħc / Γ_total, ∝ 1/sin²θ.
  double ctau_cm(double m_hp, double sin_theta) const;
  // The largest m(h') where the widths are defined.
  double valid_up_to() const { return valid_up_to_; }
  // True where the total misses channels known to matter (the built-in total above 1.4 GeV).
  bool total_incomplete(double m_hp) const;
  // "builtin (formulas; Winkler tables)" or the table's path: recorded in outputs.
  const std::string& source() const { return source_; }

 private:
  struct Column {
    std::vector<double> m, gamma;  // increasing m
    double at(double m_hp) const;  // linear; 0 below the first mass
  };
  std::string source_;
  bool builtin_ = false;
  double valid_up_to_ = 0;
  Column pipi_, kk_, ee_, mumu_, total_;  // ee_, mumu_ and total_ empty for the built-in source
};

}  // namespace darkscan::physics
