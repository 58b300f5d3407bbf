#pragma once
// The selection's file: /selected/<sample> (the best candidates, with the sample's
// attributes, its weight scale and selected events per final state) and
// /cutflow/<sample> (candidates and weighted yield after each step), written beside
// the reader the later stages use.
#include <string>

#include "io/event_writer.hpp"
#include "io/provenance.hpp"
#include "selection/select.hpp"
#include "selection/selected_data.hpp"

namespace darkscan::selection {

// Root attributes: the provenance, then luminosity_fb.
void write_selection(io::EventFileWriter& writer, const SelectionResult& result, const io::Provenance& provenance);

// The selected data of one sample of a selection output; InputError naming the file,
// table and column when the file is not a selection output or the sample is absent.
SelectedData read_selected_data(const std::string& path, const std::string& sample = "data");

}  // namespace darkscan::selection
