#pragma once
// Builds HDF5 files for tests with the C API directly, independently of darkscan's
// writer: good files in both layouts and broken ones (wrong types, unequal lengths,
// string columns, compound tables as PyTables and pandas write them).
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/h5.hpp"
#include "io/host_batch.hpp"

namespace darkscan::testing {

class H5Builder {
 public:
  explicit H5Builder(const std::filesystem::path& path);
  ~H5Builder();
  hid_t file() const { return file_.get(); }

  // Opens or creates a group (and its parents); the builder owns the returned id.
  hid_t group(const std::string& path);
  void string_attribute(hid_t obj, const std::string& name, const std::string& value);
  void double_attribute(hid_t obj, const std::string& name, double value);

  // A 1-D dataset of `n` elements of HDF5 type `mem_type` from `data`.
  void dataset(hid_t parent, const std::string& name, hid_t mem_type, const void* data, std::size_t n);
  template <class T>
  void dataset(hid_t parent, const std::string& name, const std::vector<T>& v);
  void string_dataset(hid_t parent, const std::string& name, std::size_t n);
  void matrix_dataset(hid_t parent, const std::string& name, std::size_t rows, std::size_t cols);

  // Every column of `batch` as its own 1-D dataset under `group_path`.
  void column_sample(const std::string& group_path, const io::HostBatch& batch, const std::string& kind);
  // One compound dataset at `dataset_path` with a field per column of `batch` (every
  // one as float64 when `all_as_double`, as basf2 writes its variables), plus the
  // bookkeeping fields basf2 adds (__experiment__, __run__, __event__, __candidate__).
  void compound_sample(const std::string& dataset_path, const io::HostBatch& batch,
                       const std::vector<std::pair<std::string, std::string>>& renames, bool all_as_double);

  void close();

 private:
  h5::File file_;
  std::vector<h5::Group> groups_;
};

template <class T>
void H5Builder::dataset(hid_t parent, const std::string& name, const std::vector<T>& v) {
  dataset(parent, name, h5::native_type(dtype_of<T>()), v.data(), v.size());
}

}  // namespace darkscan::testing
