#include "stats/experiment_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>

#include "errors.hpp"
#include "printable.hpp"
#include "io/atomic_output.hpp"
#include "stats/experiment_values.hpp"

namespace darkscan::stats {

namespace {

enum Column { kNObs, kNSb, kF, kDelta, kEffRelUnc, kLumiRelUnc, kEff, kLumiFb, kColumns };
constexpr std::array<std::string_view, kColumns> kNames{"n_obs", "n_sb", "f", "delta", "eff_rel_unc",
                                                        "lumi_rel_unc", "eff", "lumi_fb"};
// The experiment's own columns come first, in the order of ExperimentField.
static_assert(int{kNObs} == int{kNObsField} && int{kNSb} == int{kNSbField} && int{kF} == int{kFField} &&
              int{kDelta} == int{kDeltaField} && int{kEffRelUnc} == int{kEffRelUncField} &&
              int{kLumiRelUnc} == int{kLumiRelUncField} && int{kEff} == int{kExperimentFields});

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

ExperimentTable read_experiment_csv(const std::filesystem::path& path, const StatsOptions& options) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw_input_error("{}: no such file", file);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error("{}: cannot read the file", file);

  ExperimentTable table;
  std::array<int, kColumns> position;
  position.fill(-1);
  std::size_t width = 0;
  bool have_header = false;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    // A UTF-8 byte-order mark, as some editors save a file, is not part of the header.
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const auto fields = split(text);
    if (!have_header) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto it = std::find(kNames.begin(), kNames.end(), fields[i]);
        if (it == kNames.end())
          throw_input_error("{}:{}: unknown column '{}' (expected n_obs, n_sb, f, delta, eff_rel_unc, lumi_rel_unc "
                            "and optionally eff, lumi_fb)",
                            file, number, printable(fields[i]));
        if (position[it - kNames.begin()] >= 0)
          throw_input_error("{}:{}: column '{}' appears twice", file, number, printable(fields[i]));
        position[it - kNames.begin()] = static_cast<int>(i);
      }
      for (int c = 0; c < kEff; ++c)
        if (position[c] < 0) throw_input_error("{}:{}: missing column '{}'", file, number, kNames[c]);
      if ((position[kEff] < 0) != (position[kLumiFb] < 0))
        throw_input_error("{}:{}: columns 'eff' and 'lumi_fb' go together: give both or neither", file, number);
      width = fields.size();
      have_header = true;
      continue;
    }
    if (fields.size() != width)
      throw_input_error("{}:{}: {} fields, the header has {}", file, number, fields.size(), width);

    std::array<double, kColumns> v{};
    for (int c = 0; c < kColumns; ++c) {
      if (position[c] < 0) continue;
      const std::string_view field = fields[position[c]];
      const char* end = field.data() + field.size();
      const auto [ptr, err] = std::from_chars(field.data(), end, v[c]);
      if (field.empty() || err != std::errc() || ptr != end)
        throw_input_error("{}:{}: column '{}': '{}' is not a number", file, number, kNames[c], printable(field));
    }
    // The experiment's own columns follow the rules darkscan.stats.evaluate applies too; a
    // field that parsed as a number is printable as it stands.
    for (int c = 0; c < kEff; ++c) {
      const auto field = static_cast<ExperimentField>(c);
      if (const std::string why = experiment_value_problem(field, v[c], fields[position[c]], options);
          !why.empty())
        throw_input_error("{}:{}: column '{}': {}", file, number, kNames[c], why);
    }
    for (int c : {kEff, kLumiFb})
      if (position[c] >= 0 && !std::isfinite(v[c]))
        throw_input_error("{}:{}: column '{}': {} is not a finite number", file, number, kNames[c],
                          printable(fields[position[c]]));
    const CountingExperiment e{static_cast<int>(v[kNObs]), static_cast<int>(v[kNSb]), v[kF], v[kDelta],
                               v[kEffRelUnc], v[kLumiRelUnc]};
    if (position[kEff] >= 0) {
      if (!(v[kEff] > 0 && v[kEff] <= 1))
        throw_input_error("{}:{}: column 'eff': {} must lie in (0, 1]", file, number, v[kEff]);
      if (!(v[kLumiFb] > 0)) throw_input_error("{}:{}: column 'lumi_fb': {} must be positive", file, number, v[kLumiFb]);
      // ul_xsec_fb = ul_events / (eff x lumi_fb): a product below the smallest normal
      // double (eff = 5e-324, say) leaves no finite limit on the cross section.
      if (!(v[kEff] * v[kLumiFb] >= std::numeric_limits<double>::min()))
        throw_input_error("{}:{}: column 'eff': eff x lumi_fb = {} x {} is too small: no finite limit on the cross "
                          "section",
                          file, number, v[kEff], v[kLumiFb]);
      table.eff.push_back(v[kEff]);
      table.lumi_fb.push_back(v[kLumiFb]);
    }
    table.experiments.push_back(e);
    table.lines.push_back(number);
  }
  if (!have_header) throw_input_error("{}: empty: no header line", file);
  if (table.experiments.empty()) throw_input_error("{}: no experiments after the header", file);
  table.source = file;
  return table;
}

void check_cross_section_limits(const ExperimentTable& table, const std::vector<StatsResult>& results) {
  if (table.eff.empty()) return;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const double ul = results[i].ul_events;
    if (!std::isfinite(ul) || std::isfinite(ul / (table.eff[i] * table.lumi_fb[i]))) continue;
    throw_input_error("{}:{}: column 'eff': eff x lumi_fb = {} x {} is too small: no finite limit on the cross "
                      "section (ul_events = {} over it overflows)",
                      table.source, table.lines[i], table.eff[i], table.lumi_fb[i], ul);
  }
}

void write_results_csv(const std::filesystem::path& path, const ExperimentTable& table,
                       const std::vector<StatsResult>& results) {
  io::AtomicOutput output(path);
  // Formatted in memory and handed to the output a block at a time: a failed write is a
  // WriteError naming the file, thrown here, never from a stream's destructor.
  fmt::memory_buffer out;
  auto flush = [&] {
    output.write(std::string_view(out.data(), out.size()));
    out.clear();
  };
  const bool xsec = !table.eff.empty();
  fmt::format_to(std::back_inserter(out), "n_obs,n_sb,f,delta,eff_rel_unc,lumi_rel_unc{},p0,z,ul_events{},flags\n",
                 xsec ? ",eff,lumi_fb" : "", xsec ? ",ul_xsec_fb" : "");
  for (std::size_t i = 0; i < table.experiments.size(); ++i) {
    const auto& e = table.experiments[i];
    const auto& r = results[i];
    fmt::format_to(std::back_inserter(out), "{},{},{:.17g},{:.17g},{:.17g},{:.17g}", e.n_obs, e.n_sb, e.f, e.delta,
                   e.eff_rel_unc, e.lumi_rel_unc);
    if (xsec) fmt::format_to(std::back_inserter(out), ",{:.17g},{:.17g}", table.eff[i], table.lumi_fb[i]);
    fmt::format_to(std::back_inserter(out), ",{:.17g},{:.17g},{:.17g}", r.p0, r.z, r.ul_events);
    if (xsec) fmt::format_to(std::back_inserter(out), ",{:.17g}", r.ul_events / (table.eff[i] * table.lumi_fb[i]));
    fmt::format_to(std::back_inserter(out), ",{}\n", r.flags);
    if (out.size() >= (1 << 16)) flush();
  }
  flush();
  output.commit();
}

}  // namespace darkscan::stats
