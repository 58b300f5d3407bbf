#include <fmt/format.h>

#include <cmath>

#include "errors.hpp"
#include "io/h5.hpp"
#include "io/h5_storage.hpp"
#include "io/numeric_table.hpp"

namespace darkscan::io {

namespace {

// One column: a 1-D dataset at the root, any numeric type, read as double.
std::vector<double> read_column(hid_t file, const std::string& path, const std::string& name) {
  const std::string ctx = fmt::format("{}: /{}", path, name);
  h5::Dataset ds(h5::check_id(H5Dopen2(file, ("/" + name).c_str(), H5P_DEFAULT), ctx, "open the dataset"));
  h5::Datatype type(h5::check_id(H5Dget_type(ds.get()), ctx, "read the type"));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw_input_error("{}: not a numeric dataset", ctx);
  h5::Dataspace space(h5::check_id(H5Dget_space(ds.get()), ctx, "read the shape"));
  if (H5Sget_simple_extent_ndims(space.get()) != 1) throw_input_error("{}: not a 1-D dataset", ctx);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  h5::check_rows_stored(ds.get(), n, ctx);  // before n values are allocated
  std::vector<double> values(n);
  if (n > 0)
    h5::check_status(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), ctx,
                     "read the values");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) throw_input_error("{}: row {}: {} is not a finite number", ctx, i + 1, values[i]);
    if (values[i] < 0) throw_input_error("{}: row {}: {} is negative", ctx, i + 1, values[i]);
  }
  return values;
}

}  // namespace

NumericTable read_numeric_h5(const std::string& path, const std::vector<std::string>& required,
                             const std::vector<std::string>& optional) {
  const h5::File file = h5::open_file_readonly(path);
  NumericTable table;
  for (const auto& name : required) {
    if (!h5::link_exists(file.get(), "/" + name)) throw_input_error("{}: no dataset '/{}'", path, name);
    table.names.push_back(name);
    table.columns.push_back(read_column(file.get(), path, name));
  }
  for (const auto& name : optional) {
    if (!h5::link_exists(file.get(), "/" + name)) continue;
    table.names.push_back(name);
    table.columns.push_back(read_column(file.get(), path, name));
  }
  for (std::size_t c = 1; c < table.columns.size(); ++c)
    if (table.columns[c].size() != table.columns[0].size())
      throw_input_error("{}: /{} has {} rows, /{} has {}", path, table.names[c], table.columns[c].size(),
                        table.names[0], table.columns[0].size());
  check_numeric_rows(table, path);
  return table;
}

NumericTable read_numeric_table(const std::string& path, const std::vector<std::string>& required,
                                const std::vector<std::string>& optional) {
  h5::silence_errors();
  const bool hdf5 = H5Fis_hdf5(path.c_str()) > 0;
  if (!hdf5) (void)h5::take_error_reason();
  return hdf5 ? read_numeric_h5(path, required, optional) : read_numeric_csv(path, required, optional);
}

}  // namespace darkscan::io
