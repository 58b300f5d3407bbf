#include "generator/generate.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <variant>

#include "darkscan/generator/event_functor.hpp"
#include "errors.hpp"
#include "generator/candidate_columns.hpp"
#include "io/event_writer.hpp"
#include "io/provenance.hpp"
#include "launch.hpp"
#include "progress.hpp"

namespace darkscan::generator {

namespace {

// Events generated per parallel step: bounds the slot buffers (2 rows of ~150 bytes
// per event) and sets how often progress is reported.
constexpr std::uint64_t kChunkEvents = 1 << 16;

// Generates events [first, first + count) of a part into `rows` (appended in event order).
template <class Model>
void generate_chunk(const Model& model, const Part& part, std::uint64_t first, std::uint64_t count,
                    double duplicate_rate, const host::CpuLauncher& launcher, std::vector<CandidateRow>& slots,
                    std::vector<std::uint8_t>& valid, std::vector<CandidateRow>& rows) {
  slots.resize(2 * count);
  valid.resize(2 * count);
  const GenerateCandidates<Model> functor{model,
                                          part.key,
                                          first,
                                          part.first_number + static_cast<std::int64_t>(first),
                                          duplicate_rate,
                                          slots.data(),
                                          valid.data()};
  launcher.parallel_for_dynamic(count, functor);
  for (std::uint64_t i = 0; i < 2 * count; ++i)
    if (valid[i]) rows.push_back(slots[i]);
}

}  // namespace

GenerateSummary generate_file(const GenerateRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  if (!(req.luminosity_fb > 0)) throw_input_error("--lumi-fb: the luminosity must be positive");
  const Collision col = make_collision(req.config.collider.e_minus_gev, req.config.collider.e_plus_gev);
  GenerateSummary summary;
  const auto plans = plan_samples(req, col, summary.notes);

  std::uint64_t total_events = 0;
  for (const auto& s : plans)
    for (const auto& p : s.parts) total_events += p.events;

  io::EventFileWriter writer(req.output);
  const io::Provenance provenance{"darkscan generate: toy Belle II events (docs/formats/events.md schema)", {}, "", req.config.text};
  writer.set_root_attributes(io::provenance_attributes(
      provenance, {{"seed", static_cast<std::int64_t>(req.seed)}, {"luminosity_fb", req.luminosity_fb}}));

  const host::CpuLauncher launcher(req.threads);
  const double duplicate_rate = req.config.generate.duplicate_rate;
  std::unique_ptr<Progress> progress;
  if (req.progress) progress = std::make_unique<Progress>("generate", total_events, "events");
  std::vector<CandidateRow> slots, rows;
  std::vector<std::uint8_t> valid;

  // Writing (the transpose to columns, shuffle + deflate) runs on its own thread while
  // the next chunk is generated: zlib costs about as much as generating the events. One
  // write is in flight at a time, so rows reach the file in order, and only that thread
  // calls HDF5 while it runs; get() rethrows what it threw.
  std::future<void> in_flight;
  auto wait_for_write = [&] {
    if (in_flight.valid()) in_flight.get();
  };
  for (const auto& plan : plans) {
    SampleSummary s{plan.name, plan.kind, 0, 0, plan.cross_section_fb};
    bool begun = false;
    auto flush = [&] {
      wait_for_write();
      const std::uint64_t first_row = s.candidates;
      s.candidates += rows.size();
      in_flight = std::async(std::launch::async,
                             [&writer, &plan, begin = !begun, first_row, batch_rows = std::move(rows)] {
                               const auto batch = to_host_batch(batch_rows, plan.kind, first_row);
                               if (begin) writer.begin_sample(plan.name, plan.attributes, batch);
                               else writer.append(batch);
                             });
      begun = true;
      rows = {};
    };
    for (const auto& part : plan.parts) {
      for (std::uint64_t first = 0; first < part.events; first += kChunkEvents) {
        const std::uint64_t count = std::min(kChunkEvents, part.events - first);
        std::visit([&](const auto& model) {
          generate_chunk(model, part, first, count, duplicate_rate, launcher, slots, valid, rows);
        }, part.model);
        s.events += count;
        if (progress) progress->advance(count);
        if (rows.size() >= kChunkEvents) flush();
      }
    }
    if (!rows.empty() || !begun) flush();
    summary.samples.push_back(s);
  }
  wait_for_write();
  if (progress) progress->finish();
  writer.commit();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace darkscan::generator
