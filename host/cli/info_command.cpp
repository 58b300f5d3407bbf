// darkscan info FILE.h5: what an event file holds (samples, kinds, rows, columns,
// attributes), and with --check, whether each sample loads through the event store:
// every docs/formats/events.md column present (after the config's mapping), of a usable type, every
// value and attribute within the rules the stages apply (docs/formats/events.md#validation),
// with each column's range.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "backend/backend.hpp"
#include "cli/common_options.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "errors.hpp"
#include "events/sample_check.hpp"
#include "io/sample_reader.hpp"
#include "io/sample_rules.hpp"

namespace darkscan::cli {

namespace {

struct InfoOptions {
  std::string file;
  std::string config;
  std::vector<std::string> samples;
  bool check = false;
  BackendFlags compute;
};

std::string show_attribute(const h5::AttributeValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>) {
          std::string one_line;
          for (char c : x) one_line += c == '\n' ? std::string("\\n") : std::string(1, c);
          return fmt::format("\"{}\"", one_line);
        }
        else
          return fmt::format("{}", x);
      },
      v);
}

void print_structure(const io::SampleInfo& s) {
  fmt::print("sample '{}': kind {}, {} rows, {} columns ({} at {})\n", s.name, s.kind.empty() ? "not set" : s.kind,
             s.rows, s.columns.size(), s.layout == io::SampleLayout::columns ? "column datasets" : "compound table",
             s.path);
  if (!s.attributes.empty()) {
    std::string line;
    for (const auto& [k, v] : s.attributes) line += fmt::format("{}{} = {}", line.empty() ? "" : ", ", k, show_attribute(v));
    fmt::print("  attributes: {}\n", line);
  }
  std::string line = "  columns:";
  for (const auto& c : s.columns) {
    std::string item = fmt::format(" {} ({}{})", c.name, c.type.description, c.rank == 1 ? "" : fmt::format(", rank {}", c.rank));
    if (line.size() + item.size() > 100) {
      fmt::print("{}\n", line);
      line = "          ";
    }
    line += item;
  }
  fmt::print("{}\n", line);
}

void check_sample(const io::EventFile& file, const io::SampleInfo& s, const config::Config& cfg, Backend& backend) {
  const std::string kind = s.kind.empty() ? "data" : s.kind;
  io::SampleReader reader(file, s.name, cfg.columns, io::schema_request(kind));
  // The attributes as strictly as the strictest stage reads them (efficiency, for signal).
  io::check_attributes(file.path(), s, true);
  const auto start = std::chrono::steady_clock::now();
  Progress progress(fmt::format("checking '{}'", s.name), reader.rows());
  const auto summaries = events::summarize_sample(backend, reader, cfg.input.chunk_rows, &progress);
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("  check: {} rows x {} columns ({:.1f} MB) loaded in {:.3f} s{}; every value finite and within "
             "its column's rule, the attributes valid\n",
             reader.rows(),
             reader.columns().size(), static_cast<double>(reader.rows() * reader.row_bytes()) / 1e6, seconds,
             s.kind.empty() ? " (kind not set: checked as data)" : "");
  fmt::print("  {:<20} {:<32} {:>8} {:>14} {:>14}\n", "column", "stored as", "type", "min", "max");
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const auto& c = reader.columns()[i];
    const std::string& stored = cfg.columns.stored_name(c.logical);
    fmt::print("  {:<20} {:<32} {:>8} {:>14.6g} {:>14.6g}\n", c.logical,
               s.find_column(stored) ? stored : std::string("(absent: filled)"), dtype_name(c.dtype),
               summaries[i].min, summaries[i].max);
  }
}

int run_info(const InfoOptions& opt) {
  const config::Config cfg = opt.config.empty() ? config::Config{} : config::load(opt.config);
  const io::EventFile file(opt.file.empty() ? config::events_file(cfg, "info", "FILE") : opt.file);

  std::vector<const io::SampleInfo*> chosen;
  if (opt.samples.empty()) {
    for (const auto& s : file.samples()) chosen.push_back(&s);
  } else {
    for (const auto& name : opt.samples) chosen.push_back(&file.sample(name));
  }

  std::unique_ptr<Backend> backend;
  if (opt.check) {
    std::string why;
    backend = make_backend(opt.compute, cfg, &why);
    fmt::print("{}\n", why);
  }

  fmt::print("{}: {} sample{}\n", file.path(), file.samples().size(), file.samples().size() == 1 ? "" : "s");
  for (const auto* s : chosen) {
    print_structure(*s);
    if (opt.check) check_sample(file, *s, cfg, *backend);
  }
  return kExitOk;
}

}  // namespace

void add_info_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Describe an HDF5 event file: samples, kinds, rows, columns, attributes");
  cmd->add_option("file", opt->file,
                  "HDF5 event file (docs/formats/events.md layout, or PyTables/pandas compound tables); default: the config's "
                  "[input] events");
  cmd->add_flag("--check", opt->check,
                "Load every sample through the event store and check it against the docs/formats/events.md schema "
                "(columns present after mapping, usable types, every value and attribute within its rule); prints "
                "each column's range");
  cmd->add_option("--config", opt->config, "Scan config (TOML) whose [columns] mapping and [input] settings apply");
  cmd->add_option("--sample", opt->samples, "Only this sample (repeatable: --sample a --sample b)")
      ->allow_extra_args(false);
  add_backend_flags(cmd, opt->compute);  // for --check
  cmd->callback([opt, &action] { action = [opt] { return run_info(*opt); }; });
}

}  // namespace darkscan::cli
