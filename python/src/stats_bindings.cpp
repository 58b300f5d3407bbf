// darkscan._core.evaluate: p0, Z and the upper limit of counting experiments given as
// arrays, through the entry point `darkscan stats` uses (stats::marginalise_batch with
// the same options and backend factory), so that both give the same bits
// (docs/python.md#statistics-on-arrays). The six inputs broadcast as numpy's do; each
// value meets the rules of the CSV reader (stats/experiment_values.hpp) and a refusal
// names the column and the element. The GIL is released while the engine computes.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "backend/backend.hpp"
#include "backend/cuda_backend.hpp"
#include "bindings.hpp"
#include "errors.hpp"
#include "stats/column_batch.hpp"
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

// --- Device arrays (docs/python.md#device-arrays) ---------------------------------------
// Inputs taken through DLPack as they are (any layout, float64, float32, int64, int32 or
// int8) on the GPU, or numbers; the values checked and the experiments evaluated on the
// device by the engine's column entry point (stats/column_batch.hpp); the results are
// new device arrays that own their memory and expose __dlpack__.

using AnyArray = nb::ndarray<nb::ro>;

std::string device_text(const AnyArray& a) {
  if (a.device_type() == nb::device::cpu::value) return "cpu";
  if (a.device_type() == nb::device::cuda::value) return fmt::format("cuda:{}", a.device_id());
  return fmt::format("DLPack device type {}:{}", a.device_type(), a.device_id());
}

DType device_dtype(stats::ExperimentField field, const nb::dlpack::dtype& t) {
  const auto code = static_cast<nb::dlpack::dtype_code>(t.code);
  if (t.lanes == 1 && code == nb::dlpack::dtype_code::Float && t.bits == 64) return DType::f64;
  if (t.lanes == 1 && code == nb::dlpack::dtype_code::Float && t.bits == 32) return DType::f32;
  if (t.lanes == 1 && code == nb::dlpack::dtype_code::Int && t.bits == 64) return DType::i64;
  if (t.lanes == 1 && code == nb::dlpack::dtype_code::Int && t.bits == 32) return DType::i32;
  if (t.lanes == 1 && code == nb::dlpack::dtype_code::Int && t.bits == 8) return DType::i8;
  throw_input_error("column '{}': a device array of DLPack type code {}, {} bits is not float64, float32, int64, int32 "
                    "or int8",
                    stats::kExperimentFieldNames[field], t.code, t.bits);
}

// Moves device memory of the backend into an array that frees it when Python lets go.
template <class T>
nb::ndarray<T> device_array(std::shared_ptr<void> memory, const std::vector<std::size_t>& shape, int device_id) {
  auto* owned = new std::shared_ptr<void>(std::move(memory));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::shared_ptr<void>*>(p); });
  return nb::ndarray<T>(owned->get(), shape.size(), shape.data(), owner, nullptr, nb::dtype<T>(),
                        nb::device::cuda::value, device_id);
}

// The CUDA backend for arrays on device `device_id`; InputError naming `argument`
// where it cannot run.
std::unique_ptr<Backend> device_backend(const std::string& backend_name, const std::string& argument, int device_id) {
  const BackendChoice choice = parse_backend_choice(backend_name, "backend");
  if (choice == BackendChoice::cpu)
    throw_input_error("{}: a device array (cuda:{}) needs the CUDA backend, and backend 'cpu' was asked for",
                      argument, device_id);
  BackendOptions bo;
  bo.cuda_device = device_id;
  if (const std::string why = cuda::unavailable_reason(device_id); !why.empty())
    throw_input_error("{}: a device array (cuda:{}) needs the CUDA backend: {}", argument, device_id, why);
  return make_backend(BackendChoice::cuda, bo);
}

nb::tuple evaluate_device(const std::array<std::optional<AnyArray>, stats::kExperimentFields>& arrays,
                          const std::array<double, stats::kExperimentFields>& numbers, double cl,
                          const std::string& prior, const std::string& nuisance_prior,
                          const std::string& backend_name) {
  // Every array on one CUDA device: the first array's is the device of the batch.
  int first = -1;
  for (int f = 0; f < stats::kExperimentFields; ++f)
    if (arrays[f] && first < 0) first = f;
  if (first < 0) throw_input_error("evaluate_device: no array among the inputs");
  const int device_id = arrays[first]->device_id();
  for (int f = 0; f < stats::kExperimentFields; ++f) {
    if (!arrays[f]) continue;
    const auto& a = *arrays[f];
    if (a.device_type() != nb::device::cuda::value || a.device_id() != device_id)
      throw_input_error("column '{}': an array on {} among device arrays on cuda:{} (column '{}'): give every array "
                        "on that device, or a number",
                        stats::kExperimentFieldNames[f], device_text(a), device_id,
                        stats::kExperimentFieldNames[first]);
    if (a.ndim() > static_cast<std::size_t>(stats::kMaxColumnDims))
      throw_input_error("column '{}': a device array of {} dimensions; at most {} are taken",
                        stats::kExperimentFieldNames[f], a.ndim(), stats::kMaxColumnDims);
  }
  std::array<stats::StridedColumn, stats::kExperimentFields> own;
  std::array<Column, stats::kExperimentFields> shapes;
  for (int f = 0; f < stats::kExperimentFields; ++f) {
    const auto field = static_cast<stats::ExperimentField>(f);
    shapes[f] = {nullptr, {}, 1};
    if (!arrays[f]) {
      own[f].constant = numbers[f];
      continue;
    }
    const auto& a = *arrays[f];
    own[f].data = a.data();
    own[f].dtype = device_dtype(field, a.dtype());
    own[f].ndim = static_cast<std::int32_t>(a.ndim());
    for (std::size_t d = 0; d < a.ndim(); ++d) {
      own[f].extent[d] = static_cast<std::int64_t>(a.shape(d));
      own[f].stride[d] = a.stride(d);
      shapes[f].shape.push_back(a.shape(d));
    }
    shapes[f].size = a.size();
  }

  std::vector<std::size_t> shape;
  std::array<std::shared_ptr<void>, 4> out;
  {
    nb::gil_scoped_release released;
    const stats::StatsOptions options = stats::stats_options(cl, nuisance_prior, prior);
    stats::validate_batch({}, options);
    auto backend = device_backend(backend_name, fmt::format("column '{}'", stats::kExperimentFieldNames[first]),
                                  device_id);
    if (const auto refused = stats::first_refused_value(*backend, own, options))
      throw_input_error("{}: {}", where(refused->field, shapes[refused->field].shape, refused->element),
                        stats::experiment_value_problem(refused->field, refused->value, options));
    shape = broadcast_shape(shapes);
    std::size_t n = 1;
    for (std::size_t extent : shape) n *= extent;
    stats::ExperimentColumns batch;
    batch.size = n;
    for (int f = 0; f < stats::kExperimentFields; ++f) {  // each column over the broadcast shape
      stats::StridedColumn& c = batch.columns[f];
      c = own[f];
      if (c.data == nullptr) continue;
      const auto stretched = broadcast_strides(shapes[f], shape);  // 0 along a stretched axis
      c.ndim = static_cast<std::int32_t>(shape.size());
      const std::size_t lead = shape.size() - shapes[f].shape.size();
      for (std::size_t d = 0; d < shape.size(); ++d) {
        c.extent[d] = static_cast<std::int64_t>(shape[d]);
        c.stride[d] = (d < lead || stretched[d] == 0) ? 0 : own[f].stride[d - lead];
      }
    }
    for (int k = 0; k < 3; ++k) out[k] = backend->allocate(n * sizeof(double));
    out[3] = backend->allocate(n * sizeof(std::uint32_t));
    batch.p0 = static_cast<double*>(out[0].get());
    batch.z = static_cast<double*>(out[1].get());
    batch.ul_events = static_cast<double*>(out[2].get());
    batch.flags = static_cast<std::uint32_t*>(out[3].get());
    stats::marginalise_columns(*backend, batch, options);
  }
  return nb::make_tuple(device_array<double>(std::move(out[0]), shape, device_id),
                        device_array<double>(std::move(out[1]), shape, device_id),
                        device_array<double>(std::move(out[2]), shape, device_id),
                        device_array<std::uint32_t>(std::move(out[3]), shape, device_id));
}

// Test helpers: a copy of a host array on the GPU and back, so that the package's
// tests make device arrays where neither CuPy nor PyTorch is installed.
using HostBytes = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
using DeviceBytes = nb::ndarray<nb::ro, nb::c_contig, nb::device::cuda>;

std::vector<std::size_t> shape_of(std::size_t ndim, const std::int64_t* shape) {
  return std::vector<std::size_t>(shape, shape + ndim);
}

nb::ndarray<> to_device(const HostBytes& a, int device_id) {
  auto backend = device_backend("cuda", "to_device", device_id);
  auto memory = backend->allocate(a.nbytes());
  backend->upload(memory.get(), a.data(), a.nbytes());
  const auto shape = shape_of(a.ndim(), a.shape_ptr());
  auto* owned = new std::shared_ptr<void>(std::move(memory));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::shared_ptr<void>*>(p); });
  return nb::ndarray<>(owned->get(), shape.size(), shape.data(), owner, nullptr, a.dtype(), nb::device::cuda::value,
                       device_id);
}

nb::ndarray<nb::numpy> to_host(const DeviceBytes& a) {
  auto backend = device_backend("cuda", "to_host", a.device_id());
  auto* bytes = new std::vector<std::byte>(a.nbytes());
  backend->download(bytes->data(), a.data(), a.nbytes());
  nb::capsule owner(bytes, [](void* p) noexcept { delete static_cast<std::vector<std::byte>*>(p); });
  const auto shape = shape_of(a.ndim(), a.shape_ptr());
  return nb::ndarray<nb::numpy>(bytes->data(), shape.size(), shape.data(), owner, nullptr, a.dtype());
}

}  // namespace

void add_stats(nb::module_& m) {
  m.def("evaluate", &evaluate, nb::arg("n_obs"), nb::arg("n_sb"), nb::arg("f"), nb::arg("delta"),
        nb::arg("eff_rel_unc"), nb::arg("lumi_rel_unc"), nb::arg("cl"), nb::arg("prior"), nb::arg("nuisance_prior"),
        nb::arg("backend"), nb::arg("threads"),
        "p0, z, ul_events, flags (arrays of the broadcast shape), the backend that ran, the distinct experiments "
        "computed and the engine's seconds; inputs are C-contiguous float64 arrays (darkscan.stats.evaluate "
        "converts them)");
  m.def("evaluate_device", &evaluate_device, nb::arg("arrays"), nb::arg("numbers"), nb::arg("cl"), nb::arg("prior"),
        nb::arg("nuisance_prior"), nb::arg("backend"),
        "p0, z, ul_events, flags as device arrays of the broadcast shape, for inputs on a CUDA device (arrays[i]; "
        "None where the input is the number numbers[i]); darkscan.stats.evaluate routes device arrays here");
  m.def("cuda_unavailable_reason", [] { return cuda_unavailable_reason(); },
        "Why the CUDA backend cannot run here ('' when it can): the check the CUDA tests skip by");
  m.def("to_device", &to_device, nb::arg("array"), nb::arg("device") = 0,
        "A copy of a C-contiguous host array on a CUDA device, exposing __dlpack__ (for tests without CuPy)");
  m.def("to_host", &to_host, nb::arg("array"), "A numpy copy of a C-contiguous CUDA array (for tests)");
}

}  // namespace darkscan::python
