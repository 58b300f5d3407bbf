#pragma once
// Reading darkscan's output back in tests: one 1-D dataset, converted by HDF5 to T;
// the datasets of a file that lack their unit or description.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "io/h5.hpp"

namespace darkscan::testing {

template <class T>
std::vector<T> read_column(hid_t file, const std::string& path) {
  h5::Dataset ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  EXPECT_GE(ds.get(), 0) << path;
  if (ds.get() < 0) return {};
  h5::Dataspace space(H5Dget_space(ds.get()));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  std::vector<T> v(n);
  H5Dread(ds.get(), h5::native_type(dtype_of<T>()), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  return v;
}

// Every dataset of a file (its path) that lacks a text `unit` attribute ("" allowed) or a
// non-empty text `description`: each dataset of darkscan's result files carries both.
inline std::vector<std::string> undescribed_datasets(const std::string& path) {
  const h5::File file = h5::open_file_readonly(path);
  std::vector<std::string> out;
  std::function<void(hid_t, const std::string&)> walk = [&](hid_t group, const std::string& where) {
    for (const auto& name : h5::child_names(group, path)) {
      const std::string child = where + "/" + name;
      const H5O_type_t type = h5::object_type(group, name, path);
      if (type == H5O_TYPE_GROUP) {
        h5::Group g(H5Gopen2(group, name.c_str(), H5P_DEFAULT));
        walk(g.get(), child);
      } else if (type == H5O_TYPE_DATASET) {
        h5::Dataset ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT));
        bool unit = false, description = false;
        for (const auto& [k, v] : h5::read_attributes(ds.get(), path + ": " + child)) {
          const auto* text = std::get_if<std::string>(&v);
          unit = unit || (k == "unit" && text);
          description = description || (k == "description" && text && !text->empty());
        }
        if (!unit || !description) out.push_back(child);
      }
    }
  };
  walk(file.get(), "");
  return out;
}

}  // namespace darkscan::testing
