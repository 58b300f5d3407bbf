#include "h5_builder.hpp"

#include <cstring>
#include <stdexcept>

namespace darkscan::testing {

namespace {
hid_t ok(hid_t id) {
  if (id < 0) throw std::runtime_error("HDF5 call failed in test builder");
  return id;
}
}  // namespace

H5Builder::H5Builder(const std::filesystem::path& path)
    : file_(ok(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT))) {}

H5Builder::~H5Builder() { close(); }

void H5Builder::close() {
  groups_.clear();
  file_.reset();
}

hid_t H5Builder::group(const std::string& path) {
  if (h5::link_exists(file_.get(), path)) {
    groups_.emplace_back(ok(H5Gopen2(file_.get(), path.c_str(), H5P_DEFAULT)));
    return groups_.back().get();
  }
  h5::PropertyList lcpl(ok(H5Pcreate(H5P_LINK_CREATE)));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  groups_.emplace_back(ok(H5Gcreate2(file_.get(), path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT)));
  return groups_.back().get();
}

void H5Builder::string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  h5::write_attribute(obj, name, value, "test");
}

void H5Builder::double_attribute(hid_t obj, const std::string& name, double value) {
  h5::write_attribute(obj, name, value, "test");
}

void H5Builder::dataset(hid_t parent, const std::string& name, hid_t mem_type, const void* data, std::size_t n) {
  const hsize_t dim = n;
  h5::Dataspace space(ok(H5Screate_simple(1, &dim, nullptr)));
  h5::Dataset ds(ok(H5Dcreate2(parent, name.c_str(), mem_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  if (n > 0) ok(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

void H5Builder::string_dataset(hid_t parent, const std::string& name, std::size_t n) {
  h5::Datatype type(ok(H5Tcopy(H5T_C_S1)));
  H5Tset_size(type.get(), 8);
  std::vector<char> text(8 * n, 'x');
  dataset(parent, name, type.get(), text.data(), n);
}

void H5Builder::matrix_dataset(hid_t parent, const std::string& name, std::size_t rows, std::size_t cols) {
  const hsize_t dims[2] = {rows, cols};
  h5::Dataspace space(ok(H5Screate_simple(2, dims, nullptr)));
  h5::Dataset ds(
      ok(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_FLOAT, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  std::vector<float> zeros(rows * cols, 0.f);
  ok(H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data()));
}

void H5Builder::column_sample(const std::string& group_path, const io::HostBatch& batch, const std::string& kind) {
  const hid_t g = group(group_path);
  if (!kind.empty()) string_attribute(g, "kind", kind);
  for (const auto& c : batch.columns) dataset(g, c.name, h5::native_type(c.dtype), c.bytes.data(), c.size());
}

void H5Builder::compound_sample(const std::string& dataset_path, const io::HostBatch& batch,
                                const std::vector<std::pair<std::string, std::string>>& renames,
                                bool all_as_double) {
  struct Field {
    std::string name;
    hid_t mem;
    std::size_t size;
    std::size_t offset;
    const io::HostColumn* column;  // nullptr: a basf2 bookkeeping field, filled with the row number
  };
  std::vector<Field> fields;
  std::size_t row = 0;
  for (const char* extra : {"__experiment__", "__run__", "__event__", "__candidate__"}) {
    fields.push_back({extra, H5T_NATIVE_INT32, 4, row, nullptr});
    row += 4;
  }
  for (const auto& c : batch.columns) {
    std::string name = c.name;
    for (const auto& [from, to] : renames)
      if (from == c.name) name = to;
    const bool wide = all_as_double;
    const hid_t mem = wide ? H5T_NATIVE_DOUBLE : h5::native_type(c.dtype);
    const std::size_t size = wide ? 8 : dtype_size(c.dtype);
    fields.push_back({name, mem, size, row, &c});
    row += size;
  }
  h5::Datatype type(ok(H5Tcreate(H5T_COMPOUND, row)));
  for (const auto& f : fields) ok(H5Tinsert(type.get(), f.name.c_str(), f.offset, f.mem));

  std::vector<std::byte> rows(row * batch.rows);
  for (std::uint64_t r = 0; r < batch.rows; ++r) {
    std::byte* out = rows.data() + r * row;
    for (const auto& f : fields) {
      if (f.column == nullptr) {
        const auto v = static_cast<std::int32_t>(r);
        std::memcpy(out + f.offset, &v, 4);
      } else if (f.mem == H5T_NATIVE_DOUBLE && f.column->dtype != DType::f64) {
        const double v = f.column->view().as_double(r);
        std::memcpy(out + f.offset, &v, 8);
      } else {
        std::memcpy(out + f.offset, f.column->bytes.data() + r * f.size, f.size);
      }
    }
  }
  const auto slash = dataset_path.rfind('/');
  const hid_t parent = slash == 0 || slash == std::string::npos ? file_.get() : group(dataset_path.substr(0, slash));
  const std::string name = dataset_path.substr(slash == std::string::npos ? 0 : slash + 1);
  dataset(parent, name, type.get(), rows.data(), batch.rows);
}

}  // namespace darkscan::testing
