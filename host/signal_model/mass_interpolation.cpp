#include "signal_model/mass_interpolation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "errors.hpp"

namespace darkscan::signal_model {

double point_number(const SignalPointModel& p, std::string_view key) {
  for (const auto& [k, v] : p.attributes)
    if (k == key && std::holds_alternative<double>(v)) return std::get<double>(v);
  return std::nan("");
}

double point_m_chi1(const SignalPointModel& p) { return point_number(p, "m_chi1"); }

MassInterpolation::MassInterpolation(const SignalModel& model, int final_state, double m_chi1) {
  for (const auto& p : model.points) {
    if (p.final_state != final_state) continue;
    if (!std::isnan(m_chi1) && point_m_chi1(p) != m_chi1) continue;
    points_.push_back(&p);
  }
  std::sort(points_.begin(), points_.end(), [](const auto* a, const auto* b) { return a->m_hp < b->m_hp; });
  for (std::size_t i = 1; i < points_.size(); ++i)
    if (points_[i]->m_hp == points_[i - 1]->m_hp)
      throw_input_error("signal model: two points at m_hp = {} GeV ({} and {}); choose one m_chi1", points_[i]->m_hp,
                        points_[i - 1]->name, points_[i]->name);
  for (const auto* p : points_)
    if (p->sigma > 0 && std::isfinite(p->sigma)) resolved_.push_back(p);
}

double MassInterpolation::lowest() const { return points_.empty() ? std::nan("") : points_.front()->m_hp; }
double MassInterpolation::highest() const { return points_.empty() ? std::nan("") : points_.back()->m_hp; }

double MassInterpolation::sigma_lowest() const { return resolved_.empty() ? std::nan("") : resolved_.front()->m_hp; }
double MassInterpolation::sigma_highest() const { return resolved_.empty() ? std::nan("") : resolved_.back()->m_hp; }

double MassInterpolation::sigma(double m_hp) const {
  if (resolved_.empty()) return std::nan("");
  if (!(m_hp > sigma_lowest())) return resolved_.front()->sigma;
  if (!(m_hp < sigma_highest())) return resolved_.back()->sigma;
  std::size_t i = 0;
  while (resolved_[i + 1]->m_hp <= m_hp) ++i;
  const SignalPointModel& a = *resolved_[i];
  const SignalPointModel& b = *resolved_[i + 1];
  const double t = (m_hp - a.m_hp) / (b.m_hp - a.m_hp);
  return t == 0 ? a.sigma : a.sigma + t * (b.sigma - a.sigma);
}

InterpolatedCell MassInterpolation::at(double m_hp, std::size_t j) const {
  InterpolatedCell out;
  if (points_.empty() || !(m_hp >= lowest() && m_hp <= highest())) return out;
  // The neighbours a <= m <= b (a == b at a simulated mass).
  std::size_t i = 0;
  while (i + 1 < points_.size() && points_[i + 1]->m_hp <= m_hp) ++i;
  const SignalPointModel& a = *points_[i];
  const SignalPointModel& b = i + 1 < points_.size() ? *points_[i + 1] : a;
  const double t = b.m_hp > a.m_hp ? (m_hp - a.m_hp) / (b.m_hp - a.m_hp) : 0.0;
  auto lerp = [t](double x, double y) { return t == 0 ? x : x + t * (y - x); };
  const auto& ca = a.map.cells[a.final_state].at(j);
  const auto& cb = b.map.cells[b.final_state].at(j);
  out.efficiency = lerp(ca.efficiency, cb.efficiency);
  out.efficiency_unc = lerp(ca.efficiency_unc, cb.efficiency_unc);
  out.rel_unc = lerp(a.rel_unc.at(j), b.rel_unc.at(j));
  out.sigma = lerp(a.sigma, b.sigma);
  out.trusted = a.trusted.at(j) && (t == 0 || b.trusted.at(j)) && std::isfinite(out.sigma);
  return out;
}

}  // namespace darkscan::signal_model
