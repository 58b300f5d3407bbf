// darkscan stats: the statistics engine as a counting-experiment calculator. Reads
// experiments from CSV, writes p0, Z and the upper limit of each (docs/physics/statistics.md).
#include <fmt/format.h>

#include <chrono>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "errors.hpp"
#include "stats/experiment_csv.hpp"
#include "stats/marginalise_batch.hpp"

namespace darkscan::cli {

namespace {

struct StatsCommandOptions {
  std::string input;
  std::string output;
  std::string backend = "auto";
  std::string nuisance_prior = "gaussian";
  std::string signal_prior = "uniform";
  double credibility = stats::kDefaultCredibility;
  int threads = 0;
};

int run_stats(const StatsCommandOptions& opt) {
  const stats::StatsOptions options = stats::stats_options(opt.credibility, opt.nuisance_prior, opt.signal_prior);
  const auto table = stats::read_experiment_csv(opt.input, options);

  BackendOptions bo;
  bo.cpu_threads = opt.threads;
  std::string why;
  auto backend = make_backend(parse_backend_choice(opt.backend, "--backend"), bo, &why);
  fmt::print(stderr, "{}\n", why);

  const auto start = std::chrono::steady_clock::now();
  stats::BatchReport report;
  const auto results = stats::marginalise_batch(*backend, table.experiments, options, stats::Dedup::automatic, &report);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats::check_cross_section_limits(table, results);
  stats::write_results_csv(opt.output, table, results);

  std::size_t flagged = 0;
  for (const auto& r : results) flagged += r.flags != 0;
  fmt::print(stderr, "{} experiments ({} distinct) in {:.3f} s ({:.3g} a second) -> {}{}\n", results.size(),
             report.computed, seconds, static_cast<double>(results.size()) / seconds, opt.output,
             flagged ? fmt::format("; {} flagged (see the flags column)", flagged) : "");
  return kExitOk;
}

}  // namespace

void add_stats_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<StatsCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "Counting-experiment calculator: p0, Z and the Bayesian upper limit of each row of a CSV file");
  cmd->add_option("--input", opt->input,
                  "CSV with columns n_obs, n_sb, f, delta, eff_rel_unc, lumi_rel_unc [, eff, lumi_fb]")
      ->required();
  cmd->add_option("--output", opt->output,
                  "CSV written with the input columns and p0, z, ul_events [, ul_xsec_fb], flags "
                  "(1: limit not converged, 2: ill-conditioned, accuracy below target)")
      ->required();
  cmd->add_option("--backend", opt->backend, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--nuisance-prior", opt->nuisance_prior,
                  "gaussian: factors (1 + r y), r < 0.2; lognormal: factors (1 + r)^y, any r")
      ->check(CLI::IsMember({"gaussian", "lognormal"}));
  cmd->add_option("--prior", opt->signal_prior,
                  "Prior on the signal: uniform (flat, s >= 0), or jeffreys, (s + b)^(-1/2) with b = (n_sb + 1)/f "
                  "the expected background in the window")
      ->check(CLI::IsMember({"uniform", "jeffreys"}));
  cmd->add_option("--cl", opt->credibility, "Credibility level of the upper limit")
      ->check(CLI::Range(0.0, 1.0).description("in (0, 1)"));
  cmd->add_option("--threads", opt->threads, "CPU threads (0: every core)")->check(CLI::NonNegativeNumber);
  cmd->callback([opt, &action] { action = [opt] { return run_stats(*opt); }; });
}

}  // namespace darkscan::cli
