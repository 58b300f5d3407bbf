// The event store: darkscan's writer and reader round trip, chunked reads equal whole
// reads, compound tables written with the HDF5 C API (as PyTables and basf2 do) read
// through a column mapping, type conversions, and atomic output.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <stdexcept>

#include "errors.hpp"
#include "events/synthetic_sample.hpp"
#include "io/h5.hpp"
#include "io/sample_reader.hpp"
#include "io/event_writer.hpp"
#include "support/h5_builder.hpp"
#include "support/temp_dir.hpp"

namespace darkscan {
namespace {

using testing::H5Builder;

class EventStoreTest : public testing::TempDirTest {
 protected:
  static bool same_bytes(const io::HostColumn& a, const io::HostColumn& b) {
    return a.dtype == b.dtype && a.bytes.size() == b.bytes.size() &&
           std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) == 0;
  }
};

TEST_F(EventStoreTest, WriterAndReaderRoundTripEveryColumnBitForBit) {
  const events::SyntheticSample data{"data", "data", 5000};
  const events::SyntheticSample sig{"sig_pipi", "signal", 1234};
  const auto file_path = path("events.h5");
  events::write_synthetic_file(file_path, {data, sig}, 99, {.storage_chunk_rows = 1000, .deflate_level = 4});

  const io::EventFile file(file_path.string());
  ASSERT_EQ(file.samples().size(), 2u);
  EXPECT_EQ(file.sample("data").kind, "data");
  EXPECT_EQ(file.sample("data").rows, 5000u);
  EXPECT_EQ(file.sample("sig_pipi").kind, "signal");
  EXPECT_EQ(file.sample("sig_pipi").layout, io::SampleLayout::columns);

  for (const auto& s : {data, sig}) {
    const auto expected = events::synthetic_rows(s, 99, 0, s.rows);
    io::SampleReader reader(file, s.name, {}, io::schema_request(s.kind));
    const auto got = reader.read_all();
    ASSERT_EQ(got.columns.size(), expected.columns.size());
    for (std::size_t i = 0; i < got.columns.size(); ++i) {
      EXPECT_EQ(got.columns[i].name, expected.columns[i].name);
      EXPECT_TRUE(same_bytes(got.columns[i], expected.columns[i])) << got.columns[i].name;
    }
  }
}

TEST_F(EventStoreTest, ChunkedReadsEqualTheWholeRead) {
  const events::SyntheticSample data{"data", "data", 3001};
  const auto file_path = path("events.h5");
  events::write_synthetic_file(file_path, {data}, 5, {.storage_chunk_rows = 256, .deflate_level = 1});
  const io::EventFile file(file_path.string());
  io::SampleReader reader(file, "data", {}, io::schema_request("data"));
  const auto whole = reader.read_all();
  for (std::uint64_t chunk : {1ull, 7ull, 1000ull, 3001ull}) {
    for (std::uint64_t first = 0; first < reader.rows(); first += chunk) {
      const std::uint64_t n = std::min(chunk, reader.rows() - first);
      const auto part = reader.read(first, n);
      for (std::size_t c = 0; c < part.columns.size(); ++c) {
        const std::size_t w = dtype_size(part.columns[c].dtype);
        ASSERT_EQ(std::memcmp(part.columns[c].bytes.data(), whole.columns[c].bytes.data() + first * w, n * w), 0)
            << part.columns[c].name << " chunk " << chunk << " first " << first;
      }
    }
  }
  // Subsets of a synthetic sequence are the same rows as the whole.
  const auto tail = events::synthetic_rows(data, 5, 3000, 1);
  EXPECT_TRUE(same_bytes(tail.columns[1], reader.read(3000, 1).columns[1]));
}

TEST_F(EventStoreTest, CompoundTableAsBasf2WritesItLoadsThroughTheMapping) {
  // basf2's VariablesToHDF5 writes one PyTables table with float64 variables, ROOT-
  // compatible names and bookkeeping fields; integer quantities arrive as float64 too.
  const events::SyntheticSample data{"data", "data", 777};
  auto batch = events::synthetic_rows(data, 3, 0, data.rows);
  const auto file_path = path("ntuple.h5");
  {
    H5Builder b(file_path);
    b.compound_sample("/variables", batch,
                      {{"hp_trk0_px", "daughter__bo0__cm__sppx__bc"}, {"hp_trk0_charge", "daughter__bo0__cm__spcharge__bc"}},
                      /*all_as_double=*/true);
  }
  const io::EventFile file(file_path.string());
  ASSERT_EQ(file.samples().size(), 1u);
  const auto& info = file.samples()[0];
  EXPECT_EQ(info.name, "variables");
  EXPECT_EQ(info.layout, io::SampleLayout::compound_table);
  EXPECT_EQ(info.rows, 777u);
  ASSERT_NE(info.find_column("__experiment__"), nullptr);
  EXPECT_EQ(info.find_column("hp_trk0_px"), nullptr);

  io::ColumnMapping mapping;
  mapping.set("hp_trk0_px", "daughter__bo0__cm__sppx__bc", "test");
  mapping.set("hp_trk0_charge", "daughter__bo0__cm__spcharge__bc", "test");
  io::SampleReader reader(file, "variables", mapping, io::schema_request("data"));
  // Read in uneven chunks: the compound path transposes fields out of packed rows.
  std::vector<io::HostBatch> parts;
  for (std::uint64_t first = 0; first < reader.rows(); first += 300)
    parts.push_back(reader.read(first, std::min<std::uint64_t>(300, reader.rows() - first)));
  for (std::size_t c = 0; c < batch.columns.size(); ++c) {
    const auto& want = batch.columns[c];
    std::vector<std::byte> got;
    for (const auto& p : parts) got.insert(got.end(), p.columns[c].bytes.begin(), p.columns[c].bytes.end());
    // float32 -> float64 -> float32 and int -> float64 -> int are both exact.
    ASSERT_EQ(got.size(), want.bytes.size()) << want.name;
    EXPECT_EQ(std::memcmp(got.data(), want.bytes.data(), got.size()), 0) << want.name;
  }
}

TEST_F(EventStoreTest, PandasTableGroupIsOneSample) {
  const events::SyntheticSample data{"data", "data", 50};
  const auto batch = events::synthetic_rows(data, 3, 0, data.rows);
  const auto file_path = path("pandas.h5");
  {
    H5Builder b(file_path);
    b.compound_sample("/candidates/table", batch, {}, false);
    b.string_attribute(b.group("/other"), "note", "a group without data is not a sample");
  }
  const io::EventFile file(file_path.string());
  ASSERT_EQ(file.samples().size(), 1u);
  EXPECT_EQ(file.samples()[0].name, "candidates");
  EXPECT_EQ(file.samples()[0].path, "/candidates/table");
  io::SampleReader reader(file, "candidates", {}, io::schema_request("data"));
  const auto got = reader.read_all();
  EXPECT_TRUE(same_bytes(got.columns[5], batch.columns[5]));
}

TEST_F(EventStoreTest, IntegerColumnStoredAsNonIntegralFloatIsRefused) {
  auto batch = events::synthetic_rows({"data", "data", 20}, 3, 0, 20);
  const auto file_path = path("bad.h5");
  {
    H5Builder b(file_path);
    const hid_t g = b.group("/samples/data");
    for (const auto& c : batch.columns) {
      if (c.name == "hp_trk1_nhits") {
        std::vector<double> v(20, 25.0);
        v[13] = 24.5;
        b.dataset(g, c.name, v);
      } else {
        b.dataset(g, c.name, h5::native_type(c.dtype), c.bytes.data(), c.size());
      }
    }
  }
  const io::EventFile file(file_path.string());
  io::SampleReader reader(file, "data", {}, io::schema_request("data"));
  try {
    reader.read_all();
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("hp_trk1_nhits"), std::string::npos) << msg;
    EXPECT_NE(msg.find("row 13"), std::string::npos) << msg;
    EXPECT_NE(msg.find(file_path.string()), std::string::npos) << msg;
  }
}

TEST_F(EventStoreTest, MissingMcWeightIsFilledWithOne) {
  const events::SyntheticSample sig{"sig", "signal", 10};
  auto batch = events::synthetic_rows(sig, 1, 0, 10);
  std::erase_if(batch.columns, [](const io::HostColumn& c) { return c.name == "mc_weight"; });
  const auto file_path = path("sig.h5");
  {
    H5Builder b(file_path);
    b.column_sample("/samples/sig", batch, "signal");
  }
  const io::EventFile file(file_path.string());
  io::SampleReader reader(file, "sig", {}, io::schema_request("signal"));
  const auto got = reader.read_all();
  const auto* w = got.find("mc_weight");
  ASSERT_NE(w, nullptr);
  for (float x : w->values<float>()) EXPECT_EQ(x, 1.0f);
}

TEST_F(EventStoreTest, AbandonedWriterLeavesNoFile) {
  const auto file_path = path("out.h5");
  {
    io::EventFileWriter writer(file_path);
    writer.begin_sample("data", {{"kind", std::string("data")}}, events::synthetic_rows({"data", "data", 5}, 1, 0, 5));
    // destroyed without commit(), as when an exception unwinds
  }
  EXPECT_FALSE(std::filesystem::exists(file_path));
  EXPECT_TRUE(std::filesystem::is_empty(dir())) << "the temporary file was left behind";
}

TEST_F(EventStoreTest, WriterIntoMissingFolderIsABadInput) {
  EXPECT_THROW(io::EventFileWriter(path("no/such/folder/out.h5")), InputError);
}

TEST_F(EventStoreTest, AttributesRoundTrip) {
  const auto file_path = path("attrs.h5");
  io::EventFileWriter writer(file_path);
  writer.begin_sample("s", {{"kind", std::string("signal")}, {"m_hp", 0.5}, {"n_generated", std::int64_t{100000}}},
                      events::synthetic_rows({"s", "signal", 3}, 1, 0, 3));
  writer.commit();
  const io::EventFile file(file_path.string());
  const auto& s = file.sample("s");
  EXPECT_EQ(std::get<double>(*s.attribute("m_hp")), 0.5);
  EXPECT_EQ(std::get<std::int64_t>(*s.attribute("n_generated")), 100000);
  EXPECT_EQ(std::get<std::string>(*s.attribute("kind")), "signal");
}

TEST_F(EventStoreTest, DescribedColumnsCarryUnitAndDescriptionAndNoneGoesWithout) {
  const auto file_path = path("described.h5");
  io::EventFileWriter writer(file_path);
  io::HostBatch batch;
  batch.rows = 2;
  const std::vector<double> mass{0.5, 0.7};
  const std::vector<std::int8_t> flag{0, 1};
  batch.columns = {io::HostColumn::from<double>("mass", mass), io::HostColumn::from<std::int8_t>("flag", flag)};
  writer.begin_table("", "t", {}, batch);
  // A doc of a column the table lacks (an optional one) is passed over...
  const io::ColumnDoc docs[] = {
      {"mass", "GeV", "a mass"}, {"flag", "", "a flag"}, {"optional", "cm", "absent from this table"}};
  writer.describe_columns(docs);
  // ... a column without a doc is refused.
  writer.begin_table("", "u", {}, batch);
  const io::ColumnDoc partial[] = {{"mass", "GeV", "a mass"}};
  EXPECT_THROW(writer.describe_columns(partial), std::logic_error);
  writer.commit();
  const h5::File file = h5::open_file_readonly(file_path.string());
  h5::Dataset mass_ds(H5Dopen2(file.get(), "/t/mass", H5P_DEFAULT));
  std::map<std::string, h5::AttributeValue> attributes;
  for (const auto& [k, v] : h5::read_attributes(mass_ds.get(), "test")) attributes[k] = v;
  ASSERT_EQ(attributes.size(), 2u);
  EXPECT_EQ(std::get<std::string>(attributes["unit"]), "GeV");
  EXPECT_EQ(std::get<std::string>(attributes["description"]), "a mass");
  h5::Dataset flag_ds(H5Dopen2(file.get(), "/t/flag", H5P_DEFAULT));
  for (const auto& [k, v] : h5::read_attributes(flag_ds.get(), "test")) {
    if (k == "unit") {
      EXPECT_EQ(std::get<std::string>(v), "");  // dimensionless
    }
  }
  EXPECT_FALSE(h5::link_exists(file.get(), "/t/optional"));
}

}  // namespace
}  // namespace darkscan
