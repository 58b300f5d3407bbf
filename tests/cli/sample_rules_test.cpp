// The semantic rules of an event sample (docs/formats/events.md#validation) through the
// executable: a generated signal sample with one attribute or one value broken, each
// refused by `info --check`, `select` and `efficiency` alike, with exit status 2, one
// line naming the file, the sample, the attribute or the column and row, and the rule,
// and no output file; and the integer types the documentation says are read.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>

#include "io/h5.hpp"
#include "support/h5_read.hpp"
#include "support/run_command.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::run_darkscan;

constexpr const char* kSample = "signal_mumu_m1.200_ctau5";
constexpr std::uint64_t kRow = 5;  // the row a column case breaks

hid_t ok(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("HDF5 call failed in test: " + what);
  return id;
}

// One sample of a file opened for writing, edited with the HDF5 C API directly (not
// through darkscan's writer): attributes replaced, columns rewritten in another type.
class SampleEdit {
 public:
  SampleEdit(const std::string& file, const std::string& sample)
      : file_(ok(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + file)),
        group_(ok(H5Gopen2(file_.get(), ("/samples/" + sample).c_str(), H5P_DEFAULT), "open " + sample)) {}

  void attribute(const std::string& name, hid_t file_type, hid_t mem_type, const void* value) {
    if (H5Aexists(group_.get(), name.c_str()) > 0) ok(H5Adelete(group_.get(), name.c_str()), "delete " + name);
    h5::Dataspace scalar(ok(H5Screate(H5S_SCALAR), "scalar"));
    h5::Attribute a(ok(H5Acreate2(group_.get(), name.c_str(), file_type, scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
                       "create " + name));
    ok(H5Awrite(a.get(), mem_type, value), "write " + name);
  }
  void number(const std::string& name, double v) { attribute(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v); }
  void text(const std::string& name, const std::string& v) {
    // Variable-length UTF-8, as h5py writes a str.
    h5::Datatype type(ok(H5Tcopy(H5T_C_S1), "string type"));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    const char* p = v.c_str();
    attribute(name, type.get(), type.get(), &p);
  }

  // The column read as T (HDF5 converts), changed by `edit`, written back stored as `file_type`.
  template <class T>
  void column(const std::string& name, hid_t mem_type, hid_t file_type, const std::function<void(std::vector<T>&)>& edit) {
    std::vector<T> v;
    {
      h5::Dataset ds(ok(H5Dopen2(group_.get(), name.c_str(), H5P_DEFAULT), "open " + name));
      h5::Dataspace space(H5Dget_space(ds.get()));
      hsize_t n = 0;
      H5Sget_simple_extent_dims(space.get(), &n, nullptr);
      v.resize(n);
      ok(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + name);
    }
    edit(v);
    ok(H5Ldelete(group_.get(), name.c_str(), H5P_DEFAULT), "delete " + name);
    const hsize_t n = v.size();
    h5::Dataspace space(ok(H5Screate_simple(1, &n, nullptr), "dataspace"));
    h5::Dataset ds(ok(H5Dcreate2(group_.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                 H5P_DEFAULT),
                      "create " + name));
    ok(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + name);
  }
  // The value at kRow set to `value`, the stored type kept as `file_type`.
  void set_float(const std::string& name, float value) {
    column<float>(name, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, [&](std::vector<float>& v) { v.at(kRow) = value; });
  }
  void set_int(const std::string& name, hid_t file_type, std::int64_t value) {
    column<std::int64_t>(name, H5T_NATIVE_INT64, file_type, [&](std::vector<std::int64_t>& v) { v.at(kRow) = value; });
  }

 private:
  h5::File file_;
  h5::Group group_;
};

struct Case {
  const char* name;
  std::function<void(SampleEdit&)> edit;
  std::vector<std::string> mentions;  // besides the file and the sample
};

class SampleRules : public testing::TempDirTest {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "darkscan-rules-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_dir_ = pattern;
    const auto r = run_darkscan({"generate", "--output", base().string(), "--events", "1500", "--seed", "3",
                                 "--signal-point", "final_state=mumu,m_hp=1.2,ctau_hp_cm=5"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(base_dir_, ec);
  }
  static std::filesystem::path base() { return base_dir_ / "events.h5"; }

  // A copy of the generated file with `edit` applied to its sample.
  std::string edited(const std::string& name, const std::function<void(SampleEdit&)>& edit) {
    const auto file = path(name);
    std::filesystem::copy_file(base(), file);
    SampleEdit e(file.string(), kSample);
    edit(e);
    return file.string();
  }

  // info --check, select and efficiency each refuse `file`: status 2, one line naming the
  // file, the sample and `mentions`, no output.
  void expect_refused_everywhere(const std::string& file, const std::vector<std::string>& mentions) {
    const auto out = path("never.h5");
    const std::vector<std::vector<std::string>> commands{
        {"info", "--check", "--backend", "cpu", file},
        {"select", "--backend", "cpu", "--input", file, "--output", out.string()},
        {"efficiency", "--backend", "cpu", "--input", file, "--output", out.string()}};
    for (const auto& args : commands) {
      const auto r = run_darkscan(args);
      EXPECT_EQ(r.exit_code, 2) << args[0] << "\nstdout: " << r.out << "\nstderr: " << r.err;
      EXPECT_EQ(testing::count_lines(r.err), 1) << args[0] << ": " << r.err;
      EXPECT_EQ(r.err.rfind("darkscan: error: ", 0), 0u) << args[0] << ": " << r.err;
      for (const std::string& m : std::vector<std::string>{file, fmt::format("sample '{}'", kSample)})
        EXPECT_NE(r.err.find(m), std::string::npos) << args[0] << ": '" << m << "' not in: " << r.err;
      for (const auto& m : mentions)
        EXPECT_NE(r.err.find(m), std::string::npos) << args[0] << ": '" << m << "' not in: " << r.err;
      EXPECT_FALSE(std::filesystem::exists(out)) << args[0];
      std::error_code ec;
      std::filesystem::remove(out, ec);
    }
  }

  static inline std::filesystem::path base_dir_;
};

TEST_F(SampleRules, TheGeneratedSampleIsAccepted) {
  const auto file = base().string();
  EXPECT_EQ(run_darkscan({"info", "--check", "--backend", "cpu", file}).exit_code, 0);
  const auto r = run_darkscan({"select", "--backend", "cpu", "--input", file, "--output", path("s.h5").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto e = run_darkscan({"efficiency", "--backend", "cpu", "--input", file, "--output", path("e.h5").string()});
  EXPECT_EQ(e.exit_code, 0) << e.err;
}

class SampleRuleCase : public SampleRules, public ::testing::WithParamInterface<Case> {};

TEST_P(SampleRuleCase, IsRefusedByInfoSelectAndEfficiency) {
  expect_refused_everywhere(edited("bad.h5", GetParam().edit), GetParam().mentions);
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const float kNaNf = std::numeric_limits<float>::quiet_NaN();

INSTANTIATE_TEST_SUITE_P(
    Attributes, SampleRuleCase,
    ::testing::Values(
        Case{"CrossSectionNaN", [](SampleEdit& e) { e.number("cross_section_fb", kNaN); },
             {"attribute 'cross_section_fb'", "must be a finite number >= 0"}},
        Case{"CrossSectionNegative", [](SampleEdit& e) { e.number("cross_section_fb", -3); },
             {"attribute 'cross_section_fb' = -3", "must be a finite number >= 0"}},
        Case{"NGeneratedBelowTheEventsOfTheSample", [](SampleEdit& e) { e.number("n_generated", 10); },
             {"attribute 'n_generated' = 10", "below the", "events of the sample"}},
        Case{"NGeneratedNaN", [](SampleEdit& e) { e.number("n_generated", kNaN); },
             {"attribute 'n_generated'", "must be a finite number > 0"}},
        Case{"CtauZero", [](SampleEdit& e) { e.number("ctau_hp_cm", 0); },
             {"attribute 'ctau_hp_cm' = 0", "must be a finite number > 0"}},
        Case{"CtauNegative", [](SampleEdit& e) { e.number("ctau_hp_cm", -5); },
             {"attribute 'ctau_hp_cm' = -5", "must be a finite number > 0"}},
        Case{"CtauNaN", [](SampleEdit& e) { e.number("ctau_hp_cm", kNaN); },
             {"attribute 'ctau_hp_cm' = nan", "must be a finite number > 0"}},
        Case{"MassNaN", [](SampleEdit& e) { e.number("m_hp", kNaN); },
             {"attribute 'm_hp' = nan", "must be a finite number > 0"}},
        Case{"MassNegative", [](SampleEdit& e) { e.number("m_hp", -1.2); },
             {"attribute 'm_hp' = -1.2", "must be a finite number > 0"}},
        Case{"ChiOneMassNegative", [](SampleEdit& e) { e.number("m_chi1", -2.5); },
             {"attribute 'm_chi1' = -2.5", "must be a finite number > 0"}},
        Case{"ChiTwoLifetimeZero", [](SampleEdit& e) { e.number("ctau_chi2_cm", 0); },
             {"attribute 'ctau_chi2_cm' = 0", "must be a finite number > 0"}},
        Case{"KindEmpty", [](SampleEdit& e) { e.text("kind", ""); },
             {"attribute 'kind' is empty", "data, signal or background"}},
        Case{"KindNotAString", [](SampleEdit& e) { e.number("kind", 1); },
             {"attribute 'kind' is not a string", "data, signal or background"}},
        Case{"FinalStateEmpty", [](SampleEdit& e) { e.text("final_state", ""); },
             {"attribute 'final_state' = ''", "mumu, pipi or kk"}},
        Case{"CrossSectionAsText", [](SampleEdit& e) { e.text("cross_section_fb", "12.5"); },
             {"attribute 'cross_section_fb'", "not a number"}}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

const std::string kRowText = fmt::format("row {}", kRow);

INSTANTIATE_TEST_SUITE_P(
    Columns, SampleRuleCase,
    ::testing::Values(
        Case{"WeightNaN", [](SampleEdit& e) { e.set_float("mc_weight", kNaNf); },
             {"column 'mc_weight'", kRowText, "must be finite"}},
        Case{"WeightInfinite", [](SampleEdit& e) { e.set_float("mc_weight", INFINITY); },
             {"column 'mc_weight'", kRowText, "must be finite"}},
        Case{"TrueDecayLengthNaN", [](SampleEdit& e) { e.set_float("true_hp_ctau", kNaNf); },
             {"column 'true_hp_ctau'", kRowText, "must be finite and >= 0"}},
        Case{"TrueDecayLengthNegative", [](SampleEdit& e) { e.set_float("true_hp_ctau", -1.5f); },
             {"column 'true_hp_ctau'", kRowText, "-1.5", "must be finite and >= 0"}},
        Case{"TrueChiTwoDecayLengthNegative", [](SampleEdit& e) { e.set_float("true_chi2_ctau", -0.5f); },
             {"column 'true_chi2_ctau'", kRowText, "must be finite and >= 0"}},
        Case{"HitsNegative", [](SampleEdit& e) { e.set_int("hp_trk0_nhits", H5T_STD_I32LE, -3); },
             {"column 'hp_trk0_nhits'", kRowText, "-3", "must be >= 0"}},
        Case{"ExtraTracksNegative", [](SampleEdit& e) { e.set_int("n_extra_tracks", H5T_STD_I32LE, -1); },
             {"column 'n_extra_tracks'", kRowText, "must be >= 0"}},
        Case{"ChargeFive", [](SampleEdit& e) { e.set_int("chi_trk1_charge", H5T_STD_I8LE, 5); },
             {"column 'chi_trk1_charge'", kRowText, "5", "must be -1 or +1"}},
        Case{"ChargeZero", [](SampleEdit& e) { e.set_int("hp_trk1_charge", H5T_STD_I8LE, 0); },
             {"column 'hp_trk1_charge'", kRowText, "must be -1 or +1"}},
        Case{"PidNinetyNine", [](SampleEdit& e) { e.set_int("hp_trk0_pid", H5T_STD_I8LE, 99); },
             {"column 'hp_trk0_pid'", kRowText, "99", "PID code 0 to 4"}},
        Case{"PidNegative", [](SampleEdit& e) { e.set_int("chi_trk0_pid", H5T_STD_I8LE, -1); },
             {"column 'chi_trk0_pid'", kRowText, "PID code 0 to 4"}},
        Case{"EventNegative", [](SampleEdit& e) { e.set_int("event", H5T_STD_I64LE, -7); },
             {"column 'event'", kRowText, "-7", "must be >= 0"}},
        // Integers beyond the int64 range, stored as uint64 and as float64: refused, not wrapped.
        Case{"EventUint64BeyondInt64",
             [](SampleEdit& e) {
               e.column<std::uint64_t>("event", H5T_NATIVE_UINT64, H5T_STD_U64LE,
                                       [](std::vector<std::uint64_t>& v) { v.at(kRow) = std::uint64_t{1} << 63; });
             },
             {"column 'event'", kRowText, "9223372036854775808", "int64 range"}},
        Case{"EventFloatAtTwoToTheSixtyThree",
             [](SampleEdit& e) {
               e.column<double>("event", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE,
                                [](std::vector<double>& v) { v.at(kRow) = 9223372036854775808.0; });
             },
             {"column 'event'", kRowText, "int64 range"}},
        Case{"HitsUint64BeyondInt32",
             [](SampleEdit& e) {
               e.column<std::uint64_t>("hp_trk1_nhits", H5T_NATIVE_UINT64, H5T_STD_U64LE,
                                       [](std::vector<std::uint64_t>& v) { v.at(kRow) = std::uint64_t{1} << 40; });
             },
             {"column 'hp_trk1_nhits'", kRowText, "1099511627776", "int32 range"}}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

// The documentation reads any integer type: an event number stored as uint64 (as numpy's
// uint64 arrays store it) selects exactly as the int64 one does.
TEST_F(SampleRules, EventNumbersStoredAsUint64AreRead) {
  const auto file = edited("u64.h5", [](SampleEdit& e) {
    e.column<std::uint64_t>("event", H5T_NATIVE_UINT64, H5T_STD_U64LE, [](std::vector<std::uint64_t>&) {});
  });
  const auto info = run_darkscan({"info", "--check", "--backend", "cpu", file});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("event (uint64)"), std::string::npos) << info.out;
  for (const auto& [in, out] : {std::pair{base().string(), path("a.h5").string()}, std::pair{file, path("b.h5").string()}}) {
    const auto r = run_darkscan({"select", "--backend", "cpu", "--input", in, "--output", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto a = h5::open_file_readonly(path("a.h5").string());
  const auto b = h5::open_file_readonly(path("b.h5").string());
  const std::string selected = fmt::format("/selected/{}/", kSample);
  const auto events_a = testing::read_column<std::int64_t>(a.get(), selected + "event");
  EXPECT_GT(events_a.size(), 10u);
  EXPECT_EQ(events_a, testing::read_column<std::int64_t>(b.get(), selected + "event"));
  EXPECT_EQ(testing::read_column<double>(a.get(), selected + "weight"),
            testing::read_column<double>(b.get(), selected + "weight"));
  const auto e = run_darkscan({"efficiency", "--backend", "cpu", "--input", file, "--output", path("e.h5").string()});
  EXPECT_EQ(e.exit_code, 0) << e.err;
}

// A number attribute stored as uint64 above the int64 range is read as its value, not
// clipped to the largest int64.
TEST_F(SampleRules, Uint64AttributeAboveTheInt64RangeKeepsItsValue) {
  const auto file = edited("big.h5", [](SampleEdit& e) {
    const std::uint64_t n = std::numeric_limits<std::uint64_t>::max();
    e.attribute("n_generated", H5T_STD_U64LE, H5T_NATIVE_UINT64, &n);
  });
  const auto r = run_darkscan({"info", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("n_generated = 1.8446744073709552e+19"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace darkscan
