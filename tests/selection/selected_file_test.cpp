// The selected data a scan reads back (selection::read_selected_data): a table's masses
// sorted by final state; a selection that kept no event gives no masses, not an error
// (an empty sample of an event file is bad input, an empty selection is a result); and
// a table without its 'final_state' or 'mass' column is refused, naming it, empty or not.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"
#include "io/event_writer.hpp"
#include "selection/select_file.hpp"
#include "support/temp_dir.hpp"

namespace darkscan::selection {
namespace {

class SelectedFile : public testing::TempDirTest {
 protected:
  // /selected/data with the given columns (final_state and mass when `with_mass`).
  std::string write(const std::vector<std::int8_t>& final_state, const std::vector<double>& mass, bool with_mass) {
    const auto file = path("selected.h5").string();
    io::HostBatch table;
    table.rows = final_state.size();
    table.columns.push_back(io::HostColumn::from<std::int8_t>("final_state", final_state));
    if (with_mass) table.columns.push_back(io::HostColumn::from<double>("mass", mass));
    io::EventFileWriter writer(file);
    writer.begin_table("selected", "data", {}, table);
    writer.commit();
    return file;
  }
};

TEST_F(SelectedFile, MassesComeBackSortedByFinalState) {
  const auto file = write({1, 0, 1, 2}, {0.9, 0.3, 0.5, 1.2}, true);
  const SelectedData data = read_selected_data(file);
  EXPECT_EQ(data.masses[0], std::vector<double>{0.3});
  EXPECT_EQ(data.masses[1], (std::vector<double>{0.5, 0.9}));
  EXPECT_EQ(data.masses[2], std::vector<double>{1.2});
}

TEST_F(SelectedFile, ASelectionThatKeptNoEventGivesNoMasses) {
  const auto file = write({}, {}, true);
  const SelectedData data = read_selected_data(file);
  for (const auto& m : data.masses) EXPECT_TRUE(m.empty());
  EXPECT_EQ(data.sample, "data");
}

TEST_F(SelectedFile, ATableWithoutItsMassColumnIsRefusedEmptyOrNot) {
  for (const bool empty : {true, false}) {
    const auto file = empty ? write({}, {}, false) : write({1}, {}, false);
    try {
      read_selected_data(file);
      FAIL() << "no mass column, empty " << empty;
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(file), std::string::npos) << what;
      EXPECT_NE(what.find("mass"), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace darkscan::selection
