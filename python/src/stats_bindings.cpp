// darkscan._core.evaluate: p0, Z and the upper limit of counting experiments given as
// arrays, through the entry point `darkscan stats` uses (stats::marginalise_batch with
// the same options and backend factory), so that both give the same bits
// (docs/python.md#statistics-on-arrays). The six inputs broadcast as numpy's do; each
// value meets the rules of the CSV reader (stats/experiment_values.hpp) and a refusal
// names the column and the element. The GIL is released while the engine computes.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "backend/backend.hpp"
#include "bindings.hpp"
#include "errors.hpp"
#include "stats/experiment_values.hpp"
#include "stats/marginalise_batch.hpp"
#include "stats/stats_plan.hpp"

namespace nb = nanobind;

namespace darkscan::python {

namespace {

// The package hands over every input as a C-contiguous float64 array of any shape.
using Input = nb::ndarray<const double, nb::c_contig, nb::device::cpu>;

struct Column {
  const double* data;
  std::vector<std::size_t> shape;
  std::size_t size;
};

Column column_of(const Input& a) {
  Column c{a.data(), {}, a.size()};
  for (std::size_t d = 0; d < a.ndim(); ++d) c.shape.push_back(a.shape(d));
  return c;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

// "column 'n_obs', element 3: " (the index within that argument's own shape, as numpy
// writes it), "column 'n_obs': " for a scalar.
std::string where(stats::ExperimentField field, const std::vector<std::size_t>& shape, std::size_t flat) {
  const auto name = stats::kExperimentFieldNames[field];
  if (shape.empty()) return fmt::format("column '{}'", name);
  if (shape.size() == 1) return fmt::format("column '{}', element {}", name, flat);
  std::vector<std::size_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return fmt::format("column '{}', element {}", name, shape_text(index));
}

// numpy's broadcasting: shapes aligned at their last axis, each axis 1 or the common length.
std::vector<std::size_t> broadcast_shape(const std::array<Column, stats::kExperimentFields>& columns) {
  std::size_t ndim = 0;
  for (const auto& c : columns) ndim = std::max(ndim, c.shape.size());
  std::vector<std::size_t> shape(ndim, 1);
  for (const auto& c : columns)
    for (std::size_t d = 0; d < c.shape.size(); ++d) {
      auto& common = shape[ndim - c.shape.size() + d];
      if (common == 1) common = c.shape[d];
      else if (c.shape[d] != 1 && c.shape[d] != common) {
        std::vector<std::string> all;
        for (int f = 0; f < stats::kExperimentFields; ++f)
          all.push_back(fmt::format("{} {}", stats::kExperimentFieldNames[f], shape_text(columns[f].shape)));
        throw_input_error("shapes do not broadcast: {}", fmt::join(all, ", "));
      }
    }
  return shape;
}

// Element strides of a column within the broadcast shape (0 along a stretched axis).
std::vector<std::size_t> broadcast_strides(const Column& c, const std::vector<std::size_t>& shape) {
  std::vector<std::size_t> strides(shape.size(), 0);
  std::size_t stride = 1;
  for (std::size_t d = c.shape.size(); d-- > 0;) {
    if (c.shape[d] != 1) strides[shape.size() - c.shape.size() + d] = stride;
    stride *= c.shape[d];
  }
  return strides;
}

nb::tuple evaluate(const Input& n_obs, const Input& n_sb, const Input& f, const Input& delta, const Input& eff_rel_unc,
                   const Input& lumi_rel_unc, double cl, const std::string& prior, const std::string& nuisance_prior,
                   const std::string& backend_name, int threads) {
  const std::array<Column, stats::kExperimentFields> columns{column_of(n_obs),  column_of(n_sb),
                                                              column_of(f),      column_of(delta),
                                                              column_of(eff_rel_unc), column_of(lumi_rel_unc)};
  std::vector<std::size_t> shape;
  std::vector<double> p0, z, ul;
  std::vector<std::uint32_t> flags;
  std::string backend_used;
  std::size_t computed = 0;
  double seconds = 0;
  {
    nb::gil_scoped_release released;
    const stats::StatsOptions options = stats::stats_options(cl, nuisance_prior, prior);
    stats::validate_batch({}, options);  // the credibility level, with the engine's message
    const BackendChoice choice = parse_backend_choice(backend_name, "backend");
    if (threads < 0) throw_input_error("threads = {} must be 0 (every core) or more", threads);

    for (int field = 0; field < stats::kExperimentFields; ++field) {
      const auto& c = columns[field];
      const auto which = static_cast<stats::ExperimentField>(field);
      for (std::size_t i = 0; i < c.size; ++i)
        if (const std::string why = stats::experiment_value_problem(which, c.data[i], options); !why.empty())
          throw_input_error("{}: {}", where(which, c.shape, i), why);
    }

    shape = broadcast_shape(columns);
    std::size_t n = 1;
    for (std::size_t extent : shape) n *= extent;
    std::array<std::vector<std::size_t>, stats::kExperimentFields> strides;
    for (int field = 0; field < stats::kExperimentFields; ++field) strides[field] = broadcast_strides(columns[field], shape);

    // Each experiment from its inputs' elements, walking the broadcast shape in C order.
    std::vector<stats::CountingExperiment> experiments(n);
    std::vector<std::size_t> index(shape.size(), 0);
    std::array<std::size_t, stats::kExperimentFields> offset{};
    for (std::size_t i = 0; i < n; ++i) {
      auto value = [&](int field) { return columns[field].data[offset[field]]; };
      experiments[i] = {static_cast<int>(value(stats::kNObsField)), static_cast<int>(value(stats::kNSbField)),
                        value(stats::kFField),                       value(stats::kDeltaField),
                        value(stats::kEffRelUncField),               value(stats::kLumiRelUncField)};
      for (std::size_t d = shape.size(); d-- > 0;) {  // the next index, carrying into the axes before
        for (int field = 0; field < stats::kExperimentFields; ++field) offset[field] += strides[field][d];
        if (++index[d] < shape[d]) break;
        for (int field = 0; field < stats::kExperimentFields; ++field) offset[field] -= strides[field][d] * shape[d];
        index[d] = 0;
      }
    }

    std::vector<stats::StatsResult> results;
    if (n > 0) {
      BackendOptions bo;
      bo.cpu_threads = threads;
      auto backend = make_backend(choice, bo);
      backend_used = backend->name();
      const auto start = std::chrono::steady_clock::now();
      stats::BatchReport report;
      results = stats::marginalise_batch(*backend, experiments, options, stats::Dedup::automatic, &report);
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      computed = report.computed;
    }
    p0.resize(n);
    z.resize(n);
    ul.resize(n);
    flags.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      p0[i] = results[i].p0;
      z[i] = results[i].z;
      ul[i] = results[i].ul_events;
      flags[i] = results[i].flags;
    }
  }
  return nb::make_tuple(to_numpy(std::move(p0), shape), to_numpy(std::move(z), shape), to_numpy(std::move(ul), shape),
                        to_numpy(std::move(flags), shape), backend_used, computed, seconds);
}

}  // namespace

void add_stats(nb::module_& m) {
  m.def("evaluate", &evaluate, nb::arg("n_obs"), nb::arg("n_sb"), nb::arg("f"), nb::arg("delta"),
        nb::arg("eff_rel_unc"), nb::arg("lumi_rel_unc"), nb::arg("cl"), nb::arg("prior"), nb::arg("nuisance_prior"),
        nb::arg("backend"), nb::arg("threads"),
        "p0, z, ul_events, flags (arrays of the broadcast shape), the backend that ran, the distinct experiments "
        "computed and the engine's seconds; inputs are C-contiguous float64 arrays (darkscan.stats.evaluate "
        "converts them)");
}

}  // namespace darkscan::python
