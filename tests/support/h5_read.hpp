#pragma once
// Reading darkscan's output back in tests: one 1-D dataset, converted by HDF5 to T.
#include <gtest/gtest.h>

#include <string>
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

}  // namespace darkscan::testing
