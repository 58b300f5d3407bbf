// Tables of a written file back as numpy arrays (file_tables.hpp).
#include "file_tables.hpp"

#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>

#include <fmt/format.h>

#include "arrays.hpp"
#include "io/h5.hpp"
#include "io/host_batch.hpp"

namespace nb = nanobind;

namespace darkscan::python {

namespace {

nb::dict attribute_dict(hid_t object, const std::string& ctx) {
  nb::dict out;
  for (auto& [name, value] : h5::read_attributes(object, ctx)) out[name.c_str()] = nb::cast(value);
  return out;
}

}  // namespace

nb::dict read_file_tables(const std::string& path, const std::vector<std::string>& tables) {
  nb::dict out;
  const h5::File file = h5::open_file_readonly(path);
  for (const auto& table : tables) {
    const std::string ctx = fmt::format("{}: /{}", path, table);
    if (!h5::link_exists(file.get(), table) || h5::object_type(file.get(), table, ctx) != H5O_TYPE_GROUP) continue;
    const h5::Group group(h5::check_id(H5Gopen2(file.get(), table.c_str(), H5P_DEFAULT), ctx, "open it"));
    nb::dict columns, units;
    for (const auto& name : h5::child_names(group.get(), ctx)) {
      const std::string column_ctx = fmt::format("{}/{}", ctx, name);
      if (h5::object_type(group.get(), name, column_ctx) != H5O_TYPE_DATASET) continue;
      const h5::Dataset dataset(h5::check_id(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT), column_ctx, "open it"));
      const h5::Datatype type(h5::check_id(H5Dget_type(dataset.get()), column_ctx, "read its type"));
      const auto stored = h5::describe_type(type.get());
      const h5::Dataspace space(h5::check_id(H5Dget_space(dataset.get()), column_ctx, "read its shape"));
      if (!stored.dtype || H5Sget_simple_extent_ndims(space.get()) != 1) continue;
      const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
      io::HostColumn column{name, *stored.dtype, std::vector<std::byte>(rows * dtype_size(*stored.dtype))};
      if (rows > 0)
        h5::check_status(H5Dread(dataset.get(), h5::native_type(column.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                 column.data()),
                         column_ctx, "read it");
      for (auto& [key, value] : h5::read_attributes(dataset.get(), column_ctx))
        if (key == "unit") units[name.c_str()] = nb::cast(value);
      columns[name.c_str()] = to_numpy(std::move(column));
    }
    nb::dict t;
    t["columns"] = columns;
    t["units"] = units;
    t["attributes"] = attribute_dict(group.get(), ctx);
    out[table.c_str()] = t;
  }
  return out;
}

}  // namespace darkscan::python
