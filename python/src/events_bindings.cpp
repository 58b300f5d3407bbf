// darkscan._core.write_events / read_events: event files (docs/formats/events.md) from
// and to numpy arrays through the engine's writer and reader (docs/python.md#event-files).
// A sample to write is checked as the event store checks what it reads: its kind and
// attributes by io::sample_kind and io::check_attributes, each logical column brought to
// its type as a stored column is (docs/formats/events.md#accepted-stored-types) and its
// values by io::check_values, n_generated against its events; so a refusal is the
// engine's one line, and a file written here reads back in every stage. The GIL is
// released while files are checked, written and read.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "darkscan/events/schema.hpp"
#include "errors.hpp"
#include "io/column_mapping.hpp"
#include "io/event_file.hpp"
#include "io/event_writer.hpp"
#include "io/provenance.hpp"
#include "io/sample_reader.hpp"
#include "io/sample_rules.hpp"

namespace nb = nanobind;

namespace darkscan::python {

namespace {

using Array = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
using GivenColumns = std::vector<std::pair<std::string, Array>>;
using GivenSample = std::tuple<std::string, io::Attributes, GivenColumns>;

std::string dtype_text(nb::dlpack::dtype t) {
  switch (static_cast<nb::dlpack::dtype_code>(t.code)) {
    case nb::dlpack::dtype_code::Int: return fmt::format("int{}", t.bits);
    case nb::dlpack::dtype_code::UInt: return fmt::format("uint{}", t.bits);
    case nb::dlpack::dtype_code::Float: return fmt::format("float{}", t.bits);
    case nb::dlpack::dtype_code::Bool: return "bool";
    case nb::dlpack::dtype_code::Complex: return fmt::format("complex{}", t.bits);
    default: return fmt::format("an element type of {} bits", t.bits);
  }
}

// Calls f(const S*) with the array's elements as their C++ type; false for a type that
// is neither an integer of 8 to 64 bits nor a float32 or float64.
template <class F>
bool visit_elements(const Array& a, F&& f) {
  const auto t = a.dtype();
  const void* p = a.data();
  switch (static_cast<nb::dlpack::dtype_code>(t.code)) {
    case nb::dlpack::dtype_code::Float:
      if (t.bits == 32) return f(static_cast<const float*>(p)), true;
      if (t.bits == 64) return f(static_cast<const double*>(p)), true;
      return false;
    case nb::dlpack::dtype_code::Int:
      if (t.bits == 8) return f(static_cast<const std::int8_t*>(p)), true;
      if (t.bits == 16) return f(static_cast<const std::int16_t*>(p)), true;
      if (t.bits == 32) return f(static_cast<const std::int32_t*>(p)), true;
      if (t.bits == 64) return f(static_cast<const std::int64_t*>(p)), true;
      return false;
    case nb::dlpack::dtype_code::UInt:
      if (t.bits == 8) return f(static_cast<const std::uint8_t*>(p)), true;
      if (t.bits == 16) return f(static_cast<const std::uint16_t*>(p)), true;
      if (t.bits == 32) return f(static_cast<const std::uint32_t*>(p)), true;
      if (t.bits == 64) return f(static_cast<const std::uint64_t*>(p)), true;
      return false;
    default: return false;
  }
}

// Each value of an integer column must be an integer of T's range, whatever it is given
// as (basf2 writes every variable as a float), as the reader requires of a stored one.
template <class T, class S>
void narrow_to(const S* in, T* out, std::uint64_t rows, const std::string& ctx) {
  using limits = std::numeric_limits<T>;
  for (std::uint64_t i = 0; i < rows; ++i) {
    bool ok = false;
    if constexpr (std::is_floating_point_v<S>) {
      const double v = in[i];
      ok = v >= static_cast<double>(limits::min()) && v < -static_cast<double>(limits::min()) && v == std::trunc(v);
      if (!ok) throw_input_error("{}: value {} at row {} is not an integer in the {} range", ctx, v, i,
                                 dtype_name(dtype_of<T>()));
    } else {
      ok = std::in_range<T>(in[i]);
      if (!ok) throw_input_error("{}: value {} at row {} is not an integer in the {} range", ctx, in[i], i,
                                 dtype_name(dtype_of<T>()));
    }
    out[i] = static_cast<T>(in[i]);
  }
}

template <class T>
void narrow_column(const Array& a, io::HostColumn& out, const std::string& ctx) {
  const std::uint64_t rows = a.shape(0);
  auto* dst = out.values<T>().data();
  visit_elements(a, [&](const auto* in) { narrow_to<T>(in, dst, rows, ctx); });
}

// A logical column brought to its type (events::kColumns) as the reader brings a stored
// one: a float column from float32 or float64, an integer column from any integer or
// float type, value by value where that narrows.
io::HostColumn logical_column(const std::string& name, const Array& a, DType logical, const std::string& ctx) {
  const auto t = a.dtype();
  const bool is_float = t.code == static_cast<std::uint8_t>(nb::dlpack::dtype_code::Float);
  const bool is_int = t.code == static_cast<std::uint8_t>(nb::dlpack::dtype_code::Int) ||
                      t.code == static_cast<std::uint8_t>(nb::dlpack::dtype_code::UInt);
  const bool supported = (is_float && (t.bits == 32 || t.bits == 64)) || (is_int && t.bits >= 8 && t.bits <= 64);
  if (!supported) throw_input_error("{}: has type {}; expected {}", ctx, dtype_text(t), dtype_name(logical));
  const std::uint64_t rows = a.shape(0);
  io::HostColumn out{name, logical, std::vector<std::byte>(rows * dtype_size(logical))};
  if (dtype_is_float(logical)) {
    if (!is_float)
      throw_input_error("{}: has type {}; expected a floating-point column ({})", ctx, dtype_text(t),
                        dtype_name(logical));
    auto* dst = out.values<float>().data();
    visit_elements(a, [&](const auto* in) {
      for (std::uint64_t i = 0; i < rows; ++i) dst[i] = static_cast<float>(in[i]);
    });
    return out;
  }
  switch (logical) {
    case DType::i8: narrow_column<std::int8_t>(a, out, ctx); break;
    case DType::i32: narrow_column<std::int32_t>(a, out, ctx); break;
    default: narrow_column<std::int64_t>(a, out, ctx); break;
  }
  return out;
}

// Another column, written in its own type when darkscan's tables have it.
io::HostColumn other_column(const std::string& name, const Array& a, const std::string& ctx) {
  const auto t = a.dtype();
  const auto code = static_cast<nb::dlpack::dtype_code>(t.code);
  std::optional<DType> dtype;
  if (code == nb::dlpack::dtype_code::Float && t.bits == 32) dtype = DType::f32;
  if (code == nb::dlpack::dtype_code::Float && t.bits == 64) dtype = DType::f64;
  if (code == nb::dlpack::dtype_code::Int && t.bits == 8) dtype = DType::i8;
  if (code == nb::dlpack::dtype_code::Int && t.bits == 32) dtype = DType::i32;
  if (code == nb::dlpack::dtype_code::Int && t.bits == 64) dtype = DType::i64;
  if (!dtype)
    throw_input_error("{}: has type {}; darkscan writes float32, float64, int8, int32 or int64 columns", ctx,
                      dtype_text(t));
  io::HostColumn out{name, *dtype, std::vector<std::byte>(a.nbytes())};
  if (a.nbytes() > 0) std::memcpy(out.bytes.data(), a.data(), a.nbytes());
  return out;
}

// The sample's columns as the event file holds them: the logical ones in the order of
// events::kColumns, then the others in the order given; InputError with the engine's
// message at the first thing the event store would refuse.
io::HostBatch checked_sample(const std::string& path, const GivenSample& sample) {
  const auto& [name, attributes, columns] = sample;
  const std::string ctx = fmt::format("{}: sample '{}'", path, name);
  const std::string kind = io::sample_kind(path, name, attributes);
  std::uint64_t rows = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& [column, a] = columns[i];
    if (a.ndim() != 1)
      throw_input_error("{}: column '{}': is {}-dimensional; columns must be 1-D", ctx, column, a.ndim());
    for (std::size_t j = 0; j < i; ++j)
      if (columns[j].first == column) throw_input_error("{}: column '{}' is given twice", ctx, column);
    if (i > 0 && a.shape(0) != rows)
      throw_input_error("{}: sample '{}': columns of unequal length: '{}' has {} rows, '{}' has {}", path, name,
                        column, a.shape(0), columns[0].first, rows);
    rows = a.shape(0);
  }
  if (rows == 0) throw_input_error("{}: is empty (0 rows)", ctx);

  io::SampleInfo info;
  info.name = name;
  info.path = "/samples/" + name;
  info.kind = kind;
  info.rows = rows;
  info.attributes = attributes;
  io::check_attributes(path, info, false);

  auto given = [&](std::string_view column) -> const Array* {
    for (const auto& [n, a] : columns)
      if (n == column) return &a;
    return nullptr;
  };
  // As the reader: first each column its kind asks for, present and of a type it takes,
  // in the order of events::kColumns; then the values.
  const auto requests = io::schema_request(kind);
  auto must_have = [&](std::string_view column) {
    for (const auto& r : requests)
      if (r.logical == column) return r.when_missing == io::WhenMissing::fail;
    return false;
  };
  io::HostBatch batch;
  batch.rows = rows;
  for (const auto& logical : events::kColumns) {
    const Array* a = given(logical.name);
    if (a == nullptr && must_have(logical.name))
      throw_input_error("{}: column '{}': not found", ctx, logical.name);
    if (a == nullptr) continue;
    const std::string where = fmt::format("{}: column '{}'", ctx, logical.name);
    batch.columns.push_back(logical_column(std::string(logical.name), *a, logical.dtype, where));
  }
  for (auto& column : batch.columns)
    io::check_values(io::column_rule(column.name), column.dtype, column.bytes.data(), rows, 0,
                     fmt::format("{}: column '{}'", ctx, column.name));
  for (const auto& [column, a] : columns)
    if (events::column_index(column) < 0)
      batch.columns.push_back(other_column(column, a, fmt::format("{}: column '{}'", ctx, column)));

  if (const auto* events = batch.find("event")) {
    io::EventCounter counter;
    counter.add(events->values<std::int64_t>().data(), rows);
    io::check_generated_events(path, info, counter.events());
  }
  return batch;
}

void write_events(const std::string& path, const std::vector<GivenSample>& samples,
                  const io::Attributes& root_attributes) {
  nb::gil_scoped_release released;
  if (samples.empty()) throw_input_error("{}: no samples to write", path);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string& name = std::get<0>(samples[i]);
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      throw_input_error("{}: sample '{}': a sample's name must be a non-empty word without '/'", path, name);
    for (std::size_t j = 0; j < i; ++j)
      if (std::get<0>(samples[j]) == name) throw_input_error("{}: sample '{}' is given twice", path, name);
  }
  io::EventFileWriter writer(path);  // an unwritable destination is said before the work
  const io::Provenance provenance{"darkscan.events.write (docs/python.md#event-files)", {}, "", ""};
  writer.set_root_attributes(io::provenance_attributes(provenance, root_attributes));
  for (const auto& sample : samples) {
    const auto batch = checked_sample(path, sample);
    writer.begin_sample(std::get<0>(sample), std::get<1>(sample), batch);
  }
  writer.commit();
}

// Each sample as the stages read it: name, kind, attributes and the columns of its
// kind (io::schema_request) through `mapping`, every value checked. `only` empty: every
// sample with rows.
nb::list read_events(const std::string& path, const std::vector<std::pair<std::string, std::string>>& mapping,
                     const std::vector<std::string>& only) {
  struct Read {
    std::string name, kind;
    io::Attributes attributes;
    io::HostBatch columns;
  };
  std::vector<Read> samples;
  {
    nb::gil_scoped_release released;
    const io::EventFile file(path);
    io::ColumnMapping map;
    for (const auto& [logical, stored] : mapping) map.set(logical, stored, "columns");
    for (const auto& name : only) file.sample(name);  // an unknown sample is said before the work
    for (const auto& info : file.samples()) {
      if (!only.empty() && std::find(only.begin(), only.end(), info.name) == only.end()) continue;
      if (only.empty() && info.rows == 0) continue;  // no stage can read it; asked for by name, it is refused
      io::SampleReader reader(file, info.name, map, io::schema_request(info.kind));
      samples.push_back({info.name, info.kind, info.attributes, reader.read_all()});
    }
  }
  nb::list out;
  for (auto& s : samples)
    out.append(nb::make_tuple(s.name, s.kind, nb::cast(s.attributes), to_numpy(std::move(s.columns))));
  return out;
}

// The columns a sample of this kind must or may have, as the reader asks for them:
// [(logical name, type, "fail" | "fill" | "skip")] (io::schema_request).
std::vector<std::tuple<std::string, std::string, std::string>> schema(const std::string& kind) {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& r : io::schema_request(kind)) {
    const char* missing = r.when_missing == io::WhenMissing::fail ? "fail"
                          : r.when_missing == io::WhenMissing::fill ? "fill" : "skip";
    out.emplace_back(r.logical, dtype_name(r.dtype), missing);
  }
  return out;
}

}  // namespace

void add_events(nb::module_& m) {
  m.def("schema", &schema, nb::arg("kind"),
        "[(logical column, type, what happens when it is missing)] for a sample of this kind");
  m.def("write_events", &write_events, nb::arg("path"), nb::arg("samples"), nb::arg("root_attributes"),
        "Writes (name, attributes, [(column, array)]) samples as an event file; darkscan.events.write wraps it");
  m.def("read_events", &read_events, nb::arg("path"), nb::arg("mapping"), nb::arg("samples"),
        "[(name, kind, attributes, {column: array})] of an event file as the stages read it");
}

}  // namespace darkscan::python
