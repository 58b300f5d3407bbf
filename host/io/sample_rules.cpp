#include "io/sample_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "darkscan/events/schema.hpp"
#include "darkscan/physics/particles.hpp"
#include "errors.hpp"
#include "printable.hpp"

namespace darkscan::io {

ValueRule column_rule(std::string_view logical) {
  const int index = events::column_index(logical);
  if (index < 0) return ValueRule::none;
  const auto& column = events::kColumns[static_cast<std::size_t>(index)];
  if (column.role == events::ColumnRole::key) return ValueRule::event_number;
  if (column.role == events::ColumnRole::mc_truth) return ValueRule::decay_length;
  if (dtype_is_float(column.dtype)) return ValueRule::finite;  // the detector's quantities and mc_weight
  if (logical.ends_with("_charge")) return ValueRule::charge;
  if (logical.ends_with("_pid")) return ValueRule::pid_code;
  return ValueRule::count;  // n_extra_tracks, <t>_nhits
}

std::string_view rule_text(ValueRule rule) {
  switch (rule) {
    case ValueRule::none: return "unchecked";
    case ValueRule::finite: return "must be finite (no NaN or infinite values)";
    case ValueRule::decay_length: return "must be finite and >= 0 (a proper decay length, cm)";
    case ValueRule::count: return "must be >= 0 (a count)";
    case ValueRule::event_number: return "must be >= 0 (an event number)";
    case ValueRule::charge: return "must be -1 or +1 (a track's charge)";
    case ValueRule::pid_code: return "must be a PID code 0 to 4 (0 e, 1 mu, 2 pi, 3 K, 4 p)";
  }
  return "?";
}

namespace {

template <class T>
bool obeys(ValueRule rule, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (rule) {
      case ValueRule::finite: return std::isfinite(v);
      case ValueRule::decay_length: return std::isfinite(v) && v >= 0;
      default: return std::isfinite(v);  // no integer rule is given to a floating-point column
    }
  } else {
    switch (rule) {
      case ValueRule::count:
      case ValueRule::event_number: return v >= 0;
      case ValueRule::charge: return v == 1 || v == -1;
      case ValueRule::pid_code: return v >= 0 && v <= 4;
      default: return true;
    }
  }
}

// The rule fixed at compile time, so that a block of values is checked in one
// branch-free loop of vector instructions (`omp simd`: -O2 alone leaves it scalar); a
// block with a value that breaks the rule is searched again for the first such row, which
// the message names.
template <ValueRule R, class T>
void check_rule(const T* values, std::uint64_t count, std::uint64_t first, const std::string& context) {
  constexpr std::uint64_t kBlock = 4096;
  for (std::uint64_t begin = 0; begin < count; begin += kBlock) {
    const std::uint64_t end = std::min(count, begin + kBlock);
    int all = 1;
#pragma omp simd reduction(& : all)
    for (std::uint64_t i = begin; i < end; ++i) all &= static_cast<int>(obeys(R, values[i]));
    if (all) [[likely]]
      continue;
    for (std::uint64_t i = begin; i < end; ++i) {
      if (obeys(R, values[i])) continue;
      if constexpr (std::is_floating_point_v<T>)
        throw_input_error("{}: row {}: value {}: {}", context, first + i, values[i], rule_text(R));
      else
        throw_input_error("{}: row {}: value {}: {}", context, first + i, static_cast<std::int64_t>(values[i]),
                          rule_text(R));
    }
  }
}

template <class T>
void check_typed(ValueRule rule, const T* values, std::uint64_t count, std::uint64_t first,
                 const std::string& context) {
  switch (rule) {
    case ValueRule::none: return;
    case ValueRule::finite: return check_rule<ValueRule::finite>(values, count, first, context);
    case ValueRule::decay_length: return check_rule<ValueRule::decay_length>(values, count, first, context);
    case ValueRule::count: return check_rule<ValueRule::count>(values, count, first, context);
    case ValueRule::event_number: return check_rule<ValueRule::event_number>(values, count, first, context);
    case ValueRule::charge: return check_rule<ValueRule::charge>(values, count, first, context);
    case ValueRule::pid_code: return check_rule<ValueRule::pid_code>(values, count, first, context);
  }
}

std::string context_of(const std::string& file, const std::string& sample) {
  return fmt::format("{}: sample '{}'", file, sample);
}

std::string show(const h5::AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return fmt::format("'{}'", printable(*s));
  if (const auto* i = std::get_if<std::int64_t>(&v)) return fmt::format("{}", *i);
  return fmt::format("{}", std::get<double>(v));
}

// The attribute as a number, nullopt when absent; InputError when it is text.
std::optional<double> number(const std::string& ctx, const SampleInfo& s, std::string_view key) {
  const auto* v = s.attribute(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  throw_input_error("{}: attribute '{}' is not a number (it holds the text {})", ctx, key, show(*v));
}

// A number attribute: required or not, finite, above (or at) zero.
void check_number(const std::string& ctx, const SampleInfo& s, std::string_view key, bool required,
                  bool zero_allowed, std::string_view unit, std::string_view needed_by) {
  const auto value = number(ctx, s, key);
  if (!value) {
    if (required) throw_input_error("{}: attribute '{}' is missing ({})", ctx, key, needed_by);
    return;
  }
  const double v = *value;
  const bool ok = std::isfinite(v) && (zero_allowed ? v >= 0 : v > 0);
  if (!ok)
    throw_input_error("{}: attribute '{}' = {}: must be a finite number {} 0{}", ctx, key, show(*s.attribute(key)),
                      zero_allowed ? ">=" : ">", unit.empty() ? "" : fmt::format(" ({})", unit));
}

}  // namespace

void check_values(ValueRule rule, DType dtype, const void* values, std::uint64_t count, std::uint64_t first,
                  const std::string& context) {
  if (rule == ValueRule::none) return;
  switch (dtype) {
    case DType::f32: return check_typed(rule, static_cast<const float*>(values), count, first, context);
    case DType::f64: return check_typed(rule, static_cast<const double*>(values), count, first, context);
    case DType::i8: return check_typed(rule, static_cast<const std::int8_t*>(values), count, first, context);
    case DType::i32: return check_typed(rule, static_cast<const std::int32_t*>(values), count, first, context);
    case DType::i64: return check_typed(rule, static_cast<const std::int64_t*>(values), count, first, context);
  }
}

std::string sample_kind(const std::string& file, const std::string& sample,
                        const std::vector<std::pair<std::string, h5::AttributeValue>>& attributes) {
  for (const auto& [key, value] : attributes) {
    if (key != "kind") continue;
    const std::string ctx = context_of(file, sample);
    const auto* text = std::get_if<std::string>(&value);
    if (text == nullptr)
      throw_input_error("{}: attribute 'kind' is not a string (it is {}): must be data, signal or background", ctx,
                        show(value));
    // An empty kind is not "no kind": a signal sample whose text attribute came back
    // empty would otherwise be read as data, every candidate weighted 1.
    if (text->empty())
      throw_input_error("{}: attribute 'kind' is empty: must be data, signal or background (leave it out for data)",
                        ctx);
    if (*text != "data" && *text != "signal" && *text != "background")
      throw_input_error("{}: attribute 'kind' = {}: must be data, signal or background", ctx, show(value));
    return *text;
  }
  return {};
}

void check_attributes(const std::string& file, const SampleInfo& s, bool signal_point) {
  const std::string ctx = context_of(file, s.name);
  const bool mc = s.kind == "signal" || s.kind == "background";
  if (!mc) return;
  // The weight of a candidate, cross_section_fb x L / n_generated x mc_weight.
  constexpr std::string_view weight = "an MC sample's candidates weigh cross_section_fb x L / n_generated";
  check_number(ctx, s, "cross_section_fb", true, true, "fb", weight);
  check_number(ctx, s, "n_generated", true, false, "", weight);
  if (s.kind != "signal") return;

  constexpr std::string_view point = "the signal model groups signal samples into points by it";
  if (const auto* v = s.attribute("final_state")) {
    const auto* text = std::get_if<std::string>(v);
    if (text == nullptr)
      throw_input_error("{}: attribute 'final_state' is not a string (it is {}): must be mumu, pipi or kk", ctx,
                        show(*v));
    if (physics::final_state_from_name(*text) < 0)
      throw_input_error("{}: attribute 'final_state' = {}: must be mumu, pipi or kk", ctx, show(*v));
  } else if (signal_point) {
    throw_input_error("{}: attribute 'final_state' is missing ({})", ctx, point);
  }
  check_number(ctx, s, "m_hp", signal_point, false, "GeV", point);
  check_number(ctx, s, "ctau_hp_cm", signal_point, false, "cm", "the lifetime reweighting starts from it");
  for (const auto& [key, unit] : {std::pair{"m_chi1", "GeV"}, std::pair{"delta_m", "GeV"}, std::pair{"m_ap", "GeV"},
                                  std::pair{"alpha_d", ""}, std::pair{"epsilon", ""}, std::pair{"ctau_chi2_cm", "cm"}})
    check_number(ctx, s, key, false, false, unit, "");
}

void EventCounter::add(const std::int64_t* events, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    if (runs_ != 0 && events[i] == last_) continue;
    ++runs_;
    last_ = events[i];
  }
}

void check_generated_events(const std::string& file, const SampleInfo& s, std::uint64_t events) {
  if (s.kind != "signal" && s.kind != "background") return;
  const auto* v = s.attribute("n_generated");
  if (v == nullptr) return;  // check_attributes says it is missing
  const std::string ctx = context_of(file, s.name);
  check_number(ctx, s, "n_generated", false, false, "", "");
  if (*number(ctx, s, "n_generated") >= static_cast<double>(events)) return;
  throw_input_error("{}: attribute 'n_generated' = {} is below the {} events of the sample: it counts every event "
                    "generated, those that left a candidate and those that did not",
                    ctx, show(*v), events);
}

}  // namespace darkscan::io
