#pragma once
// The semantic rules of an event sample (docs/formats/events.md#validation), in one
// place: the values each logical column may hold, and the attributes each kind of
// sample carries with their ranges. Storage-level checks (types, lengths, presence) are
// the event store's; these say whether what was stored makes sense.
//
// Where they are applied:
//  - the column rules by SampleReader::read (io/sample_reader.hpp) on every row it
//    delivers, in the one streaming pass each stage makes anyway, so `select`,
//    `efficiency`, `run` and `info --check` refuse the same values;
//  - `kind` when a file is indexed (io/event_file.hpp);
//  - the other attributes by `check_attributes`, which `select`, `efficiency` and
//    `info --check` call before they read a sample's rows;
//  - `n_generated` against the events of an MC sample by the reader, at the end of a
//    pass over every row in order.
// Every refusal is an InputError of one line naming the file, the sample, the
// attribute or column (and row) and the rule broken.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "darkscan/core/dtype.hpp"
#include "io/event_file.hpp"

namespace darkscan::io {

// What the values of a column may be.
enum class ValueRule : std::uint8_t {
  none,          // unchecked: the tables of darkscan's own result files
  finite,        // no NaN or infinity: the detector's floating-point columns, mc_weight
  decay_length,  // finite and >= 0: the true proper decay lengths
  count,         // >= 0: hits, extra tracks
  event_number,  // >= 0
  charge,        // -1 or +1
  pid_code,      // 0 (e), 1 (mu), 2 (pi), 3 (K), 4 (p)
};

// The rule of a logical column of events::kColumns; ValueRule::none for another name.
ValueRule column_rule(std::string_view logical);
// What the rule asks, as messages and docs/formats/events.md say it: "must be -1 or +1 ...".
std::string_view rule_text(ValueRule rule);

// Throws InputError "<context>: row <r>: value <v>: <rule text>" at the first of `count`
// values of type `dtype` (rows first .. first + count - 1) that breaks `rule`.
void check_values(ValueRule rule, DType dtype, const void* values, std::uint64_t count, std::uint64_t first,
                  const std::string& context);

// The sample's kind from its attributes: "" when there is no `kind` attribute (read as
// data), else "data", "signal" or "background"; InputError when `kind` is not a string,
// is empty, or is another word.
std::string sample_kind(const std::string& file, const std::string& sample,
                        const std::vector<std::pair<std::string, h5::AttributeValue>>& attributes);

// Checks the attributes the stages read (docs/formats/events.md#sample-attributes) by
// the sample's kind: on MC `cross_section_fb` (finite, >= 0) and `n_generated` (finite,
// > 0) are required; on signal `final_state`, `m_hp` and `ctau_hp_cm` are required when
// `signal_point` (the signal model groups samples into points by them) and checked when
// present otherwise, as are the optional `m_chi1`, `delta_m`, `m_ap`, `alpha_d`,
// `epsilon` and `ctau_chi2_cm` (finite, > 0). Data samples carry nothing a stage reads.
void check_attributes(const std::string& file, const SampleInfo& sample, bool signal_point);

// Counts the events of a sample as the runs of equal event numbers, the candidates of
// one event being adjacent (docs/formats/events.md#layout), so that no set of event
// numbers is held in memory.
class EventCounter {
 public:
  void add(const std::int64_t* events, std::uint64_t count);
  std::uint64_t events() const { return runs_; }

 private:
  std::int64_t last_ = 0;
  std::uint64_t runs_ = 0;
};

// InputError when an MC sample's `n_generated` (when it is a number) is below `events`,
// the events the sample holds: its efficiencies would exceed 1. Data samples pass.
void check_generated_events(const std::string& file, const SampleInfo& sample, std::uint64_t events);

}  // namespace darkscan::io
