#include "io/h5.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "errors.hpp"

namespace darkscan::h5 {

bool library_thread_safe() {
  hbool_t safe = 0;
  return H5is_library_threadsafe(&safe) >= 0 && safe;
}

void silence_errors() {
  // Automatic printing is a per-thread setting in thread-safe HDF5 builds (Debian's):
  // every thread that calls HDF5 turns it off, once.
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

namespace {
struct ErrorStack {
  std::string reason;
  bool out_of_memory = false;  // an allocation inside HDF5 failed (a filter's buffer, a cache)
};

herr_t innermost(unsigned n, const H5E_error2_t* err, void* out) {
  // The stack is walked from the call darkscan made inwards; the innermost entry
  // (last visited) is the most specific ("file signature not found", ...).
  (void)n;
  auto& stack = *static_cast<ErrorStack*>(out);
  if (err->desc != nullptr && err->desc[0] != '\0') stack.reason = err->desc;
  if (err->maj_num == H5E_RESOURCE && (err->min_num == H5E_NOSPACE || err->min_num == H5E_CANTALLOC))
    stack.out_of_memory = true;
  return 0;
}

ErrorStack take_error_stack() {
  ErrorStack stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost, &stack);
  H5Eclear2(H5E_DEFAULT);
  std::string& reason = stack.reason;
  // A failed read or write of the file is described at length ("file write failed: time
  // = <a date and a newline>, filename = ..., errno = 28, error message = 'No space left
  // on device', ..."): the operating system's reason is what the user needs.
  const std::string_view marker = "error message = '";
  if (const auto at = reason.find(marker); at != std::string::npos) {
    const auto from = at + marker.size();
    const auto to = reason.find('\'', from);
    if (to != std::string::npos) reason = reason.substr(from, to - from);
  }
  // Messages are one line.
  for (char& c : reason)
    if (c == '\n' || c == '\r') c = ' ';
  return stack;
}
}  // namespace

std::string take_error_reason() { return take_error_stack().reason; }

hid_t check_id(hid_t id, std::string_view context, std::string_view what) {
  if (id < 0) {
    const ErrorStack stack = take_error_stack();
    // Memory HDF5 could not get is the machine's limit, not a fault of the file: a
    // failure (exit 1) naming what bounds a stage's memory (docs/commands/README.md#exit-status).
    if (stack.out_of_memory)
      throw std::runtime_error(fmt::format("{}: cannot {}: out of memory ({}; input.chunk_rows and run.threads "
                                           "bound what a stage holds: lower them, or give darkscan more memory)",
                                           context, what, stack.reason));
    throw_input_error("{}: cannot {}{}", context, what, stack.reason.empty() ? "" : fmt::format(" ({})", stack.reason));
  }
  return id;
}

void check_status(herr_t status, std::string_view context, std::string_view what) {
  if (status < 0) (void)check_id(H5I_INVALID_HID, context, what);
}

hid_t check_write_id(hid_t id, std::string_view context, std::string_view what) {
  if (id < 0) {
    const std::string reason = take_error_reason();
    throw_write_error("{}: cannot {}{}", context, what, reason.empty() ? "" : fmt::format(" ({})", reason));
  }
  return id;
}

void check_write_status(herr_t status, std::string_view context, std::string_view what) {
  if (status < 0) (void)check_write_id(H5I_INVALID_HID, context, what);
}

PropertyList writer_access_properties(std::string_view context) {
  PropertyList access(check_write_id(H5Pcreate(H5P_FILE_ACCESS), context, "create a property list"));
  check_write_status(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), context, "set the close degree");
  return access;
}

namespace {

// A file that takes whatever HDF5 still writes to an abandoned file, on no disk: an
// anonymous file in memory (HDF5 flushes its caches at close, a few MiB at most, and
// truncates the file to its allocated end, which the checksummed 1.10 format always
// asks). Where the process has a file-size limit (ulimit -f) that it may not lift while
// it abandons the file (FileSizeLimitLifted), a write past it fails on any regular file,
// that one included: /dev/null then, which takes every write but cannot be truncated,
// so that the file's close may fail and its id stay open until exit (harmless: no
// clean-up at exit, below).
int sink_for_abandoned_writes() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur == RLIM_INFINITY) {
    const int memory = ::memfd_create("darkscan-abandoned-hdf5", MFD_CLOEXEC);
    if (memory >= 0) return memory;
  }
  return ::open("/dev/null", O_RDWR | O_CLOEXEC);
}

// While an abandoned file is closed into memory, the soft file-size limit is lifted
// where the hard one allows: the limit is meant for files on disk (and is how the tests
// make a disk full), not for the in-memory sink. Restored when the closes are done.
class FileSizeLimitLifted {
 public:
  FileSizeLimitLifted() {
    if (::getrlimit(RLIMIT_FSIZE, &saved_) != 0 || saved_.rlim_cur == RLIM_INFINITY) return;
    if (saved_.rlim_max != RLIM_INFINITY) return;
    rlimit lifted = saved_;
    lifted.rlim_cur = RLIM_INFINITY;
    lifted_ = ::setrlimit(RLIMIT_FSIZE, &lifted) == 0;
  }
  ~FileSizeLimitLifted() {
    if (lifted_) (void)::setrlimit(RLIMIT_FSIZE, &saved_);
  }
  FileSizeLimitLifted(const FileSizeLimitLifted&) = delete;
  FileSizeLimitLifted& operator=(const FileSizeLimitLifted&) = delete;

 private:
  rlimit saved_{};
  bool lifted_ = false;
};

// HDF5 closes at exit whatever is still open. A close that failed leaves its id
// behind on freed memory, and closing it again at exit crashed libhdf5
// (H5F__close_cb). darkscan closes every file itself (RAII; abandon_file for a writer
// that failed), so the library's clean-up at exit is turned off: a close that fails
// despite abandon_file then costs what it holds until the process ends, not a crash.
// It has to precede the library's first call: a static initialiser, as no other one
// of darkscan calls HDF5.
[[maybe_unused]] const herr_t kNoCleanupAtExit = H5dont_atexit();

}  // namespace

void abandon_file(hid_t file) noexcept {
  if (file < 0) return;
  const FileSizeLimitLifted lifted;
  // The file's descriptor (the sec2 driver's, HDF5's default) is pointed away from the
  // disk, so that what HDF5 still flushes goes nowhere and the closes below succeed.
  // The temporary itself is removed by its owner.
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) >= 0 && handle != nullptr) {
    const int sink = sink_for_abandoned_writes();
    if (sink >= 0) {
      (void)::dup2(sink, *static_cast<int*>(handle));
      (void)::close(sink);
    }
  }
  // Every object still open in the file (a dataset or group whose close failed), then
  // the file.
  const ssize_t count = H5Fget_obj_count(file, H5F_OBJ_ALL | H5F_OBJ_LOCAL);
  if (count > 0) {
    std::vector<hid_t> ids(static_cast<std::size_t>(count));
    const ssize_t n = H5Fget_obj_ids(file, H5F_OBJ_ALL | H5F_OBJ_LOCAL, ids.size(), ids.data());
    for (ssize_t i = 0; i < n; ++i) {
      const hid_t id = ids[static_cast<std::size_t>(i)];
      if (id == file) continue;
      switch (H5Iget_type(id)) {
        case H5I_ATTR: (void)H5Aclose(id); break;
        case H5I_DATASET:
        case H5I_GROUP:
        case H5I_DATATYPE: (void)H5Oclose(id); break;
        default: break;
      }
    }
  }
  (void)H5Fclose(file);
  H5Eclear2(H5E_DEFAULT);
}

File open_file_readonly(const std::string& path) {
  silence_errors();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw_input_error("{}: no such file", path);
  if (std::filesystem::is_directory(path, ec)) throw_input_error("{}: is a directory, not an HDF5 file", path);
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) {
    const std::string reason = take_error_reason();
    throw_input_error("{}: not a readable HDF5 file{}", path, reason.empty() ? "" : fmt::format(" ({})", reason));
  }
  return File(check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path, "open the file"));
}

bool link_exists(hid_t loc, const std::string& path) {
  // H5Lexists needs every intermediate link to exist: walk the path one name at a time.
  std::string partial;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::string part = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!part.empty()) {
      partial += (partial.empty() && path.front() != '/' ? "" : "/") + part;
      if (H5Lexists(loc, partial.c_str(), H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return false;
      }
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return true;
}

H5O_type_t object_type(hid_t loc, const std::string& path, std::string_view context) {
  H5O_info_t info;
  check_status(H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), context,
               fmt::format("read object '{}'", path));
  return info.type;
}

std::vector<std::string> child_names(hid_t group, std::string_view context) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  check_status(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names), context,
               "list the group's members");
  return names;
}

namespace {
// The darkscan type of a stored one, and its name, from its class and size.
StoredType describe_class(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  switch (cls) {
    case H5T_FLOAT:
      if (size == 4) return {DType::f32, "float32"};
      if (size == 8) return {DType::f64, "float64"};
      return {std::nullopt, fmt::format("float{}", 8 * size)};
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      const std::string name = fmt::format("{}int{}", is_signed ? "" : "u", 8 * size);
      // Every integer type up to 64 bits is accepted, held in the narrowest of
      // int8/int32/int64 that takes its values (uint64 in int64: the event store checks
      // each value, docs/formats/events.md#accepted-stored-types); booleans written by
      // pandas/PyTables are uint8 or int8.
      if (size == 1) return {DType::i8, name};
      if (size == 2 || (size == 4 && is_signed)) return {DType::i32, name};
      if (size == 4 || size == 8) return {DType::i64, name};
      return {std::nullopt, name};
    }
    case H5T_STRING: return {std::nullopt, "string"};
    case H5T_COMPOUND: return {std::nullopt, "compound"};
    case H5T_ARRAY: return {std::nullopt, "array"};
    case H5T_ENUM: return {std::nullopt, "enum"};
    default: return {std::nullopt, "unsupported HDF5 type"};
  }
}
}  // namespace

StoredType describe_type(hid_t type) {
  StoredType out = describe_class(type);
  out.size = H5Tget_size(type);
  out.is_signed = H5Tget_class(type) != H5T_INTEGER || H5Tget_sign(type) == H5T_SGN_2;
  return out;
}

hid_t native_type(DType t) {
  switch (t) {
    case DType::f32: return H5T_NATIVE_FLOAT;
    case DType::f64: return H5T_NATIVE_DOUBLE;
    case DType::i8: return H5T_NATIVE_INT8;
    case DType::i32: return H5T_NATIVE_INT32;
    case DType::i64: return H5T_NATIVE_INT64;
  }
  return H5I_INVALID_HID;
}

std::vector<std::pair<std::string, AttributeValue>> read_attributes(hid_t obj, std::string_view context) {
  std::vector<std::pair<std::string, AttributeValue>> out;
  H5O_info_t info;
  check_status(H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS), context, "count attributes");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    Attribute attr(check_id(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
                            context, "open an attribute"));
    const ssize_t name_len = H5Aget_name(attr.get(), 0, nullptr);
    std::string name(static_cast<std::size_t>(name_len > 0 ? name_len : 0), '\0');
    H5Aget_name(attr.get(), name.size() + 1, name.data());
    Datatype type(check_id(H5Aget_type(attr.get()), context, fmt::format("read attribute '{}'", name)));
    Dataspace space(check_id(H5Aget_space(attr.get()), context, fmt::format("read attribute '{}'", name)));
    if (H5Sget_simple_extent_npoints(space.get()) != 1) continue;  // arrays (PyTables metadata) are skipped
    const std::string where = fmt::format("read attribute '{}'", name);
    switch (H5Tget_class(type.get())) {
      case H5T_INTEGER: {
        if (H5Tget_sign(type.get()) == H5T_SGN_NONE && H5Tget_size(type.get()) >= 8) {
          // Read as int64, a uint64 above its range would be clipped to 2^63 - 1 by HDF5:
          // such a value is kept as the nearest double instead.
          std::uint64_t u = 0;
          check_status(H5Aread(attr.get(), H5T_NATIVE_UINT64, &u), context, where);
          if (u > static_cast<std::uint64_t>(INT64_MAX)) out.emplace_back(name, static_cast<double>(u));
          else out.emplace_back(name, static_cast<std::int64_t>(u));
          break;
        }
        std::int64_t v = 0;
        check_status(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), context, where);
        out.emplace_back(name, v);
        break;
      }
      case H5T_FLOAT: {
        double v = 0;
        check_status(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v), context, where);
        out.emplace_back(name, v);
        break;
      }
      case H5T_STRING: {
        // Read with a copy of the stored string type: same character set and padding,
        // so HDF5 has no conversion to refuse (UTF-8 vs ASCII).
        Datatype mem(check_id(H5Tcopy(type.get()), context, where));
        if (H5Tis_variable_str(type.get()) > 0) {
          char* s = nullptr;
          check_status(H5Aread(attr.get(), mem.get(), &s), context, where);
          out.emplace_back(name, std::string(s ? s : ""));
          H5free_memory(s);
        } else {
          const std::size_t n = H5Tget_size(type.get());
          std::string s(n, '\0');
          check_status(H5Aread(attr.get(), mem.get(), s.data()), context, where);
          const auto end = s.find('\0');
          if (end != std::string::npos) s.resize(end);
          while (!s.empty() && s.back() == ' ') s.pop_back();  // space-padded (Fortran style)
          out.emplace_back(name, s);
        }
        break;
      }
      default: break;  // pickled pandas metadata and other opaque attributes
    }
  }
  return out;
}

void write_attribute(hid_t obj, const std::string& name, const AttributeValue& value, std::string_view context) {
  Dataspace scalar(check_write_id(H5Screate(H5S_SCALAR), context, "create a dataspace"));
  const std::string what = fmt::format("write attribute '{}'", name);
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    Attribute a(check_write_id(
        H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT), context, what));
    check_write_status(H5Awrite(a.get(), H5T_NATIVE_INT64, i), context, what);
  } else if (const auto* d = std::get_if<double>(&value)) {
    Attribute a(check_write_id(
        H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT), context, what));
    check_write_status(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, d), context, what);
  } else {
    const auto& s = std::get<std::string>(value);
    // Variable-length UTF-8: what h5py writes for a Python str, so it reads back as str.
    Datatype type(check_write_id(H5Tcopy(H5T_C_S1), context, what));
    check_write_status(H5Tset_size(type.get(), H5T_VARIABLE), context, what);
    check_write_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), context, what);
    Attribute a(check_write_id(H5Acreate2(obj, name.c_str(), type.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
                               context, what));
    const char* p = s.c_str();
    check_write_status(H5Awrite(a.get(), type.get(), &p), context, what);
  }
}

}  // namespace darkscan::h5
