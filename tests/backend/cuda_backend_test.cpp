// CUDA against CPU: the same bytes in device memory after a load or a stream, the
// same column summaries, statistics, combinations of final states, selection verdicts, reweighting sums, window
// counts and look-elsewhere toys; experiments given as columns in device memory. Skips,
// saying why, where no CUDA device can be used.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "backend/backend_fixture.hpp"
#include "backend/cpu_backend.hpp"
#include "events/sample_check.hpp"
#include "generator/generate.hpp"
#include "lee/lee.hpp"
#include "scan/window_grid.hpp"
#include "selection/bind_columns.hpp"
#include "selection/selection_params.hpp"
#include "stats/column_batch_fixture.hpp"
#include "stats/combined_plan.hpp"
#include "stats/stats_plan.hpp"

namespace darkscan {
namespace {

class CudaAgreement : public testing::BackendTest {
 protected:
  void SetUp() override {
    const std::string reason = cuda_unavailable_reason();
    if (!reason.empty()) GTEST_SKIP() << "CUDA test skipped: " << reason;
    testing::BackendTest::SetUp();
    cuda_ = make_backend(BackendChoice::cuda, {});
  }
  std::unique_ptr<Backend> cuda_;
  CpuBackend cpu_{2};
};

TEST_F(CudaAgreement, LoadPutsTheSameBytesOnTheDevice) {
  auto r = reader();
  const auto direct = r.read_all();
  for (std::uint64_t chunk : {std::uint64_t{1024}, std::uint64_t{7000}, kRows}) {
    const auto resident = cuda_->load(r, chunk);
    expect_same_bytes(cuda_->copy_to_host(resident->view(), names(r)), direct);
  }
}

TEST_F(CudaAgreement, StreamedChunksMatchTheCpuOnes) {
  auto r = reader("sig");
  std::vector<io::HostBatch> on_cpu, on_cuda;
  cpu_.for_each_chunk(r, 300, [&](const ChunkView& c) { on_cpu.push_back(cpu_.copy_to_host(c, names(r))); });
  cuda_->for_each_chunk(r, 300, [&](const ChunkView& c) { on_cuda.push_back(cuda_->copy_to_host(c, names(r))); });
  ASSERT_EQ(on_cpu.size(), on_cuda.size());
  for (std::size_t k = 0; k < on_cpu.size(); ++k) {
    EXPECT_EQ(on_cpu[k].first_row, on_cuda[k].first_row);
    expect_same_bytes(on_cpu[k], on_cuda[k]);
  }
}

TEST_F(CudaAgreement, SummariesAreIdentical) {
  auto r = reader();
  expect_same_summaries(events::summarize_sample(*cuda_, r, 4096), events::summarize_sample(cpu_, r, 4096));
  const auto resident = cuda_->load(r, kRows);
  expect_same_summaries(cuda_->summarize(resident->view()), events::summarize_sample(cpu_, r, kRows));
}

TEST_F(CudaAgreement, StatisticsAgreeWithTheCpuToOneInTenToTheTwelve) {
  std::vector<stats::CountingExperiment> batch;
  for (int i = 0; i < 20000; ++i)
    batch.push_back({i % 51, (i * 37) % 10001, 1.0 + (i * 7919) % 10000, 0.05 * (i % 11), 0.19 * ((i * 3) % 7) / 6.0,
                     0.0047});
  for (auto prior : {stats::NuisancePrior::gaussian, stats::NuisancePrior::lognormal}) {
    const stats::StatsOptions options{0.95, prior};
    const auto plan = stats::plan_statistics(batch, options);
    const auto on_cpu = cpu_.marginalise(batch, plan, options);
    const auto on_cuda = cuda_->marginalise(batch, plan, options);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(on_cpu[i].flags, on_cuda[i].flags) << i;
      EXPECT_NEAR(on_cuda[i].p0, on_cpu[i].p0, 1e-12 * on_cpu[i].p0) << i;
      EXPECT_NEAR(on_cuda[i].ul_events, on_cpu[i].ul_events, 1e-12 * on_cpu[i].ul_events) << i;
    }
  }
}

// Experiments as columns in device memory (the Python package's device arrays): the
// bits of the same backend's marginalise_batch for the same experiments, built on the
// host, and the first refused value found on the device.
TEST_F(CudaAgreement, ColumnsInDeviceMemoryGiveTheBitsOfTheBatch) {
  for (const char* prior : {"gaussian", "lognormal"}) {
    const auto options = stats::stats_options(0.95, prior, "uniform");
    auto r = testing::resident_columns(*cuda_, 40, 25, 255, 0.19, 11);
    ASSERT_FALSE(stats::first_refused_value(*cuda_, r.own, options).has_value());
    stats::marginalise_columns(*cuda_, r.batch, options);
    testing::expect_same_bits(testing::download_results(*cuda_, r.batch),
                              stats::marginalise_batch(*cuda_, r.expected, options, stats::Dedup::never));
  }
  auto r = testing::resident_columns(*cuda_, 4, 3, 20, 0.1, 3);
  std::vector<double> f{2.0, -1.0, 3.0, -1.0, 0.0, -1.0};  // (3,) every other element: the third is refused
  cuda_->upload(const_cast<void*>(r.own[stats::kFField].data), f.data(), f.size() * sizeof(double));
  const auto refused = stats::first_refused_value(*cuda_, r.own, {});
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->field, stats::kFField);
  EXPECT_EQ(refused->element, 2u);
  EXPECT_EQ(refused->value, 0.0);
}

TEST_F(CudaAgreement, CombinedLimitsAgreeWithTheCpuToOneInTenToTheTwelve) {
  // One to three channels of varied counts, rates and uncertainties (the interpretation's batches).
  std::vector<stats::CombinedExperiment> batch;
  for (int i = 0; i < 6000; ++i) {
    stats::CombinedExperiment ex;
    ex.channels = 1 + i % 3;
    for (int k = 0; k < ex.channels; ++k) {
      const int j = i * 3 + k;
      ex.channel[k] = {j % 23, (j * 37) % 400, 1.0 + (j * 7919) % 300, 0.05 * (j % 5), 0.15 * ((j * 3) % 7) / 6.0,
                       0.0047};
      ex.rate[k] = 0.5 + (j % 13) * 3.1;
    }
    batch.push_back(ex);
  }
  for (auto prior : {stats::NuisancePrior::gaussian, stats::NuisancePrior::lognormal}) {
    const stats::StatsOptions options{0.95, prior};
    const auto plan = stats::plan_combination(batch, options);
    const auto on_cpu = cpu_.combine(batch, plan, options);
    const auto on_cuda = cuda_->combine(batch, plan, options);
    ASSERT_EQ(on_cpu.size(), on_cuda.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ(on_cpu[i].flags, on_cuda[i].flags) << i;
      EXPECT_NEAR(on_cuda[i].p0, on_cpu[i].p0, 1e-12 * on_cpu[i].p0) << i;
      EXPECT_NEAR(on_cuda[i].limit, on_cpu[i].limit, 1e-12 * on_cpu[i].limit) << i;
    }
  }
}

TEST_F(CudaAgreement, SelectionKeepsTheSameCandidates) {
  // Generated signal (docs/physics/selection.md keeps about a tenth) and its verdicts on both
  // backends: the same steps and final states, event for event; the quantities to 1e-12
  // (libm and CUDA's math library may differ in the last bits of atan2).
  generator::GenerateRequest request;
  request.output = path("signal.h5");
  request.seed = 3;
  request.progress = false;
  generator::SignalPoint point;
  point.final_state = 1;
  point.m_hp = 0.8;
  point.ctau_hp_cm = 3;
  point.dark = {2.5, 1.0, 7.5, 0.1, 1.5e-3, 2.0};
  request.signal_points = {point};
  request.events_per_point = 30000;
  generator::generate_file(request);
  const io::EventFile file(path("signal.h5").string());
  const auto& sample = file.samples().front();
  const auto params = selection::params_from_config(config::Config{});
  auto verdicts = [&](Backend& backend) {
    io::SampleReader r(file, sample.name, {}, io::schema_request(sample.kind));
    std::vector<selection::CandidateVerdict> all;
    backend.for_each_chunk(r, 7000, [&](const ChunkView& c) {
      const auto v = backend.select(selection::bind_columns(c, r.columns()), c.rows, params);
      all.insert(all.end(), v.begin(), v.end());
    });
    return all;
  };
  const auto on_cpu = verdicts(cpu_);
  const auto on_cuda = verdicts(*cuda_);
  ASSERT_EQ(on_cpu.size(), on_cuda.size());
  std::size_t passed = 0;
  for (std::size_t i = 0; i < on_cpu.size(); ++i) {
    EXPECT_EQ(on_cpu[i].step, on_cuda[i].step) << i;
    EXPECT_EQ(on_cpu[i].final_state, on_cuda[i].final_state) << i;
    EXPECT_NEAR(on_cuda[i].mass, on_cpu[i].mass, 1e-12 * on_cpu[i].mass) << i;
    EXPECT_NEAR(on_cuda[i].pointing, on_cpu[i].pointing, 1e-12 * (1 + on_cpu[i].pointing)) << i;
    EXPECT_NEAR(on_cuda[i].hp_dv, on_cpu[i].hp_dv, 1e-12 * (1 + on_cpu[i].hp_dv)) << i;
    passed += on_cpu[i].step == selection::kPassed;
  }
  EXPECT_GT(passed, 1000u);
}

TEST_F(CudaAgreement, LifetimeReweightingAgreesToOneInTenToTheTwelve) {
  // 5,000 candidates of a mixture of two cτ0, 40 cells over both lifetimes.
  std::vector<double> ell(5000), ell_chi2(5000), dv(5000), ctau, ctau_chi2;
  std::vector<std::int8_t> fs(5000);
  for (std::size_t i = 0; i < ell.size(); ++i) {
    ell[i] = 0.01 * static_cast<double>((i * 7919) % 4000);
    ell_chi2[i] = 0.003 * static_cast<double>((i * 104729) % 1000);
    dv[i] = 0.5 * ell[i];
    fs[i] = static_cast<std::int8_t>(i % 3);
  }
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 5; ++b) {
      ctau.push_back(0.3 * std::pow(2.0, a));
      ctau_chi2.push_back(0.1 * std::pow(2.0, b));
    }
  signal_model::ReweightBlocks job;
  job.ell = ell.data();
  job.ell_chi2 = ell_chi2.data();
  job.final_state = fs.data();
  job.hp_dv = dv.data();
  job.candidates = ell.size();
  job.ctau = ctau.data();
  job.ctau_chi2 = ctau_chi2.data();
  job.cells = ctau.size();
  job.generated.components = 2;
  job.generated.ctau0[0] = 1, job.generated.n_generated[0] = 3000;
  job.generated.ctau0[1] = 10, job.generated.n_generated[1] = 2000;
  job.ctau_chi2_0 = 0.5;
  const auto on_cpu = cpu_.reweight(job);
  const auto on_cuda = cuda_->reweight(job);
  ASSERT_EQ(on_cpu.size(), on_cuda.size());
  for (std::size_t i = 0; i < on_cpu.size(); ++i)
    for (int f = 0; f < 3; ++f) {
      EXPECT_NEAR(on_cuda[i].fs[f].sum, on_cpu[i].fs[f].sum, 1e-12 * on_cpu[i].fs[f].sum) << i;
      EXPECT_NEAR(on_cuda[i].fs[f].sum2, on_cpu[i].fs[f].sum2, 1e-12 * on_cpu[i].fs[f].sum2) << i;
      EXPECT_NEAR(on_cuda[i].dv[f], on_cpu[i].dv[f], 1e-12 * on_cpu[i].dv[f]) << i;
    }
}

TEST_F(CudaAgreement, WindowCountsAreIdentical) {
  // A pi+pi--like range with its veto and splits, a rising resolution, and 5000 masses
  // from a fixed sequence (some on window edges by construction: repeated values).
  scan::FinalStateRange range;
  range.final_state = 1;
  range.lo = 0.28;
  range.hi = 3.0;
  range.vetoes = {{0.467, 0.529}};
  range.splits = {1.0, 0.9, 1.2};
  const auto windows = scan::place_windows(range, [](double m) { return 0.001 + 0.002 * m; }, {2.0, 0.5});
  std::vector<double> masses;
  for (int i = 0; i < 5000; ++i) masses.push_back(0.28 + 2.72 * std::fmod(i * 0.6180339887498949, 1.0));
  for (const auto& w : windows) masses.push_back(w.window.lo);
  std::sort(masses.begin(), masses.end());
  const auto on_cpu = cpu_.count_windows(masses, windows);
  const auto on_cuda = cuda_->count_windows(masses, windows);
  ASSERT_EQ(on_cpu.size(), on_cuda.size());
  for (std::size_t w = 0; w < on_cpu.size(); ++w) {
    EXPECT_EQ(on_cpu[w].n_obs, on_cuda[w].n_obs) << w;
    EXPECT_EQ(on_cpu[w].n_sb, on_cuda[w].n_sb) << w;
    EXPECT_EQ(on_cpu[w].f, on_cuda[w].f) << w;
    EXPECT_EQ(on_cpu[w].delta, on_cuda[w].delta) << w;
  }
}

TEST_F(CudaAgreement, LookElsewhereToysAreTheSame) {
  // The demo's pi+pi- range and a rising resolution; a data sample of 12 events.
  config::Config cfg;
  cfg.scan.final_states = {"pipi", "kk"};
  lee::Windows windows;
  for (int fs : {1, 2})
    windows[fs] = scan::place_windows(scan::final_state_range(cfg, fs), [](double m) { return 0.001 + 0.002 * m; },
                                      {2.0, 0.5});
  selection::SelectedData data;
  data.masses[1] = {0.31, 0.42, 0.62, 0.749, 0.75, 0.751, 0.93, 1.04, 1.31, 1.77, 2.2, 2.8};
  data.masses[2] = {1.2, 2.5};
  const auto regions = lee::toy_regions(cfg, data);
  lee::LeeSettings settings;
  settings.seed = 5;
  settings.batch = 700;
  std::vector<lee::ToyOutcome> on_cpu, on_cuda;
  lee::run_toys(cpu_, regions, windows, settings, 0, 2000, on_cpu, nullptr, nullptr);
  lee::run_toys(*cuda_, regions, windows, settings, 0, 2000, on_cuda, nullptr, nullptr);
  ASSERT_EQ(on_cpu.size(), on_cuda.size());
  std::size_t same_events = 0;
  for (std::size_t i = 0; i < on_cpu.size(); ++i) {
    same_events += on_cpu[i].events == on_cuda[i].events;
    // The same toys; Z to the last bits of libm against CUDA's maths.
    if (on_cpu[i].max_z != on_cuda[i].max_z) {  // equal covers −inf (no event in any window)
      EXPECT_NEAR(on_cpu[i].max_z, on_cuda[i].max_z, 1e-9 * std::max(1.0, std::abs(on_cpu[i].max_z))) << i;
    }
  }
  EXPECT_EQ(same_events, on_cpu.size());
}

}  // namespace
}  // namespace darkscan
