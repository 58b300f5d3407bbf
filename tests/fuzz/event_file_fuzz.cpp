// Fuzz target, structure-aware: the fuzzer's bytes choose an event file — its samples,
// their attributes (kind, cross section, generated events, masses, lifetimes: present
// or not, of which type, which value) and their columns (present or not, stored type,
// length, values, NaN and extremes included) — which is written through the HDF5 API
// and then opened and selected by darkscan (io::EventFile, selection::select). The file
// is always well-formed HDF5, so what is fuzzed is darkscan's reading and checking of
// the layout of docs/formats/events.md, not libhdf5's parser.
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "backend/cpu_backend.hpp"
#include "config/config.hpp"
#include "darkscan/events/schema.hpp"
#include "errors.hpp"
#include "fuzz_target.hpp"
#include "io/event_file.hpp"
#include "selection/select.hpp"

namespace {

const std::string& scratch_path() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/darkscan_fuzz_events_" + std::to_string(getpid()) + ".h5";
  }();
  return path;
}

// A value the fuzzer picks: mostly from the range a real column holds, sometimes one
// of the values that break naive code.
double pick_value(FuzzedDataProvider& in, double typical_lo, double typical_hi) {
  static constexpr double kSpecial[] = {0.0, -0.0, -1.0, 1.0, 127.0, 128.0, -129.0, 4294967296.0, 1e300, -1e300,
                                        5e-324, std::numeric_limits<double>::quiet_NaN(),
                                        std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity()};
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) return in.PickValueInArray(kSpecial);
  return in.ConsumeFloatingPointInRange<double>(typical_lo, typical_hi);
}

hid_t pick_type(FuzzedDataProvider& in) {
  const hid_t types[] = {H5T_NATIVE_INT8,  H5T_NATIVE_UINT8,  H5T_NATIVE_INT16, H5T_NATIVE_UINT16,
                         H5T_NATIVE_INT32, H5T_NATIVE_UINT32, H5T_NATIVE_INT64, H5T_NATIVE_UINT64,
                         H5T_NATIVE_FLOAT, H5T_NATIVE_DOUBLE};
  return in.PickValueInArray(types);
}

void write_text_attribute(hid_t object, const char* name, const std::string& value) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, value.empty() ? 1 : value.size());
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (attr >= 0) {
    H5Awrite(attr, type, value.empty() ? "" : value.c_str());
    H5Aclose(attr);
  }
  H5Sclose(space);
  H5Tclose(type);
}

void write_number_attribute(FuzzedDataProvider& in, hid_t object, const char* name, double lo, double hi) {
  const double value = pick_value(in, lo, hi);
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) {  // a number written as text
    write_text_attribute(object, name, std::to_string(value));
    return;
  }
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(object, name, pick_type(in), space, H5P_DEFAULT, H5P_DEFAULT);
  if (attr >= 0) {
    H5Awrite(attr, H5T_NATIVE_DOUBLE, &value);
    H5Aclose(attr);
  }
  H5Sclose(space);
}

// The typical range of a logical column, so that many rows get past the first cuts.
void typical_range(const darkscan::events::LogicalColumn& column, double& lo, double& hi) {
  const std::string_view name = column.name;
  lo = -5.0;
  hi = 5.0;
  if (name == "event") lo = 0.0, hi = 50.0;
  if (name.ends_with("_charge")) lo = -1.0, hi = 1.0;
  if (name.ends_with("_nhits")) lo = 0.0, hi = 60.0;
  if (name.ends_with("_pid")) lo = 0.0, hi = 5.0;
  if (name.ends_with("ctau") || name.starts_with("ecl_") || name.ends_with("_e_ecl")) lo = 0.0, hi = 10.0;
  if (name == "n_extra_tracks") lo = 0.0, hi = 3.0;
  if (name == "mc_weight") lo = 0.0, hi = 2.0;
}

void write_sample(FuzzedDataProvider& in, hid_t samples) {
  static const char* kNames[] = {"data", "signal_mumu_m0.500_ctau1", "bkg_eemumu", "bkg_qqbar", ""};
  std::string name = in.PickValueInArray(kNames);
  if (name.empty()) name = in.ConsumeRandomLengthString(12);
  const hid_t group = H5Gcreate2(samples, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (group < 0) return;
  static const char* kKinds[] = {"data", "signal", "background", "", "Signal"};
  if (in.ConsumeBool()) write_text_attribute(group, "kind", in.PickValueInArray(kKinds));
  struct NumberAttribute {
    const char* name;
    double lo, hi;
  };
  static const NumberAttribute kAttributes[] = {{"cross_section_fb", 0, 1e4}, {"n_generated", 0, 1e6},
                                                {"luminosity_fb", 0, 400},    {"m_hp", 0, 3},
                                                {"ctau_hp_cm", 0, 1e3},       {"m_chi1", 0, 3},
                                                {"ctau_chi2_cm", 0, 1e3},     {"m_ap", 0, 12}};
  for (const auto& a : kAttributes)
    if (in.ConsumeBool()) write_number_attribute(in, group, a.name, a.lo, a.hi);

  const auto rows = in.ConsumeIntegralInRange<hsize_t>(0, 24);
  for (const auto& column : darkscan::events::kColumns) {
    if (in.ConsumeIntegralInRange<int>(0, 31) == 0) continue;  // a missing column
    hsize_t length = rows;
    if (in.ConsumeIntegralInRange<int>(0, 31) == 0) length = in.ConsumeIntegralInRange<hsize_t>(0, 25);
    double lo = 0, hi = 0;
    typical_range(column, lo, hi);
    std::vector<double> values(length);
    for (auto& v : values) v = pick_value(in, lo, hi);
    if (column.name == "event") {  // candidates of one event adjacent, as a real ntuple has them
      for (std::size_t i = 1; i < values.size(); ++i)
        if (in.ConsumeIntegralInRange<int>(0, 3) != 0) values[i] = values[i - 1];
    }
    const hid_t space = H5Screate_simple(1, &length, nullptr);
    const hid_t set =
        H5Dcreate2(group, std::string(column.name).c_str(), pick_type(in), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (set >= 0) {
      if (length > 0) H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      H5Dclose(set);
    }
    H5Sclose(space);
  }
  H5Gclose(group);
}

bool write_file(FuzzedDataProvider& in) {
  const hid_t file = H5Fcreate(scratch_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return false;
  const hid_t samples = H5Gcreate2(file, "samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const int count = in.ConsumeIntegralInRange<int>(1, 3);
  for (int s = 0; s < count && samples >= 0; ++s) write_sample(in, samples);
  if (samples >= 0) H5Gclose(samples);
  return H5Fclose(file) >= 0;
}

}  // namespace

void darkscan_fuzz_one(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // the fuzzer's own refusals (a bad group name) are expected
    return true;
  }();
  (void)quiet;
  FuzzedDataProvider in(data, size);
  if (!write_file(in)) return;
  try {
    const darkscan::io::EventFile file(scratch_path());
    darkscan::config::Config config;
    config.input.chunk_rows = 1024;
    darkscan::CpuBackend cpu(1);
    (void)darkscan::selection::select(cpu, file, config);
  } catch (const darkscan::InputError&) {
  }
  std::remove(scratch_path().c_str());
}
