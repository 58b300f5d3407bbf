#pragma once
// Reading darkscan's output back in tests: one 1-D dataset, converted by HDF5 to T;
// the datasets of a file that lack their unit or description.
#include <gtest/gtest.h>

#include <functional>
#include <map>
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

// Calls visit(id, path) for the root group ("/") and every group and dataset below it,
// in name order (the ids are open for the call only).
inline void visit_objects(const std::string& path, const std::function<void(hid_t, const std::string&)>& visit) {
  const h5::File file = h5::open_file_readonly(path);
  std::function<void(hid_t, const std::string&)> walk = [&](hid_t group, const std::string& where) {
    for (const auto& name : h5::child_names(group, path)) {
      const std::string child = where + "/" + name;
      const H5O_type_t type = h5::object_type(group, name, path);
      if (type == H5O_TYPE_GROUP) {
        h5::Group g(H5Gopen2(group, name.c_str(), H5P_DEFAULT));
        visit(g.get(), child);
        walk(g.get(), child);
      } else if (type == H5O_TYPE_DATASET) {
        h5::Dataset ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT));
        visit(ds.get(), child);
      }
    }
  };
  visit(file.get(), "/");
  walk(file.get(), "");
}

// Every dataset of a file (its path) that lacks a text `unit` attribute ("" allowed) or a
// non-empty text `description`: each dataset of darkscan's result files carries both.
inline std::vector<std::string> undescribed_datasets(const std::string& path) {
  std::vector<std::string> out;
  visit_objects(path, [&](hid_t obj, const std::string& child) {
    if (H5Iget_type(obj) != H5I_DATASET) return;
    bool unit = false, description = false;
    for (const auto& [k, v] : h5::read_attributes(obj, path + ": " + child)) {
      const auto* text = std::get_if<std::string>(&v);
      unit = unit || (k == "unit" && text);
      description = description || (k == "description" && text && !text->empty());
    }
    if (!unit || !description) out.push_back(child);
  });
  return out;
}

// What a file stores, to compare two files bit for bit: every dataset's bytes in its
// stored type (with the type's size and class, so that equal bytes of other types
// differ) and every object's attributes, by path.
struct StoredContent {
  std::map<std::string, std::vector<unsigned char>> datasets;
  std::map<std::string, std::vector<std::pair<std::string, h5::AttributeValue>>> attributes;
};

inline StoredContent stored_content(const std::string& path) {
  StoredContent out;
  visit_objects(path, [&](hid_t obj, const std::string& child) {
    out.attributes[child] = h5::read_attributes(obj, path + ": " + child);
    if (H5Iget_type(obj) != H5I_DATASET) return;
    h5::Datatype stored(H5Dget_type(obj));
    h5::Datatype native(H5Tget_native_type(stored.get(), H5T_DIR_ASCEND));
    h5::Dataspace space(H5Dget_space(obj));
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
    const std::size_t size = H5Tget_size(native.get());
    std::vector<unsigned char> bytes(n * size);
    if (n > 0) {
      EXPECT_GE(H5Dread(obj, native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), 0) << child;
    }
    const unsigned char head[2] = {static_cast<unsigned char>(H5Tget_class(native.get())),
                                   static_cast<unsigned char>(size)};
    bytes.insert(bytes.begin(), head, head + 2);
    out.datasets[child] = std::move(bytes);
  });
  return out;
}

}  // namespace darkscan::testing
