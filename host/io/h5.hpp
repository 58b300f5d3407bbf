#pragma once
// RAII over the HDF5 C API. Each hid_t is owned by a move-only handle whose
// destructor closes it without throwing; each C call that can fail goes through a
// checked wrapper that throws InputError (reading: bad input) or WriteError (writing: a
// full disk, an I/O error) naming the file and object, with the reason taken from the
// HDF5 error stack. HDF5's own printing to stderr is silenced once.
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "darkscan/core/dtype.hpp"

namespace darkscan::h5 {

using CloseFn = herr_t (*)(hid_t);

template <CloseFn Close>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Gives up ownership, for a caller that closes the id itself and checks the result.
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  void reset() noexcept {
    if (id_ >= 0) (void)Close(id_);
    id_ = H5I_INVALID_HID;
  }
  // Closes the id and says whether that worked (closing flushes what HDF5 still holds
  // of a writer's object). A failed close leaves the id open in HDF5, so the handle
  // keeps it, for abandon_file.
  herr_t close() noexcept {
    if (id_ < 0) return 0;
    const herr_t status = Close(id_);
    if (status >= 0) id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropertyList = Handle<H5Pclose>;

// Turns off HDF5's automatic error printing for the whole process (darkscan reports
// HDF5 errors itself, on one line). Idempotent.
void silence_errors();

// Whether the HDF5 library serialises concurrent calls (built thread-safe, as Debian's
// is): only then may a second thread call it while another does.
bool library_thread_safe();

// The innermost HDF5 error-stack message ("" when the stack is empty), then clears it.
std::string take_error_reason();

// Throws InputError("<context>: cannot <what> (<HDF5 reason>)") when id < 0; returns id.
hid_t check_id(hid_t id, std::string_view context, std::string_view what);
// Throws the same way when status < 0.
void check_status(herr_t status, std::string_view context, std::string_view what);
// The same for a file being written: WriteError, and the reason the operating system gave
// when a read or write of the file failed ("No space left on device").
hid_t check_write_id(hid_t id, std::string_view context, std::string_view what);
void check_write_status(herr_t status, std::string_view context, std::string_view what);

// File access properties of a file being written: closing the file closes every object
// still open in it (H5F_CLOSE_STRONG), so that no id outlives a close.
PropertyList writer_access_properties(std::string_view context);

// Gives up a file being written, whatever state a failed write left it in, without
// throwing: from here its writes go to /dev/null, so that closing every object still
// open in it and the file itself cannot fail again. A failed close would leave the file
// open in HDF5, which closes it once more at exit and crashes there.
void abandon_file(hid_t file) noexcept;

// Object helpers; `context` is what an error message names ("file.h5: /samples/data").
File open_file_readonly(const std::string& path);
bool link_exists(hid_t loc, const std::string& path);
H5O_type_t object_type(hid_t loc, const std::string& path, std::string_view context);
std::vector<std::string> child_names(hid_t group, std::string_view context);

// Element type of a dataset or compound member, mapped onto darkscan's types.
// nullopt for types darkscan cannot hold in a column (strings, arrays, nested compounds,
// 16-bit floats, integers wider than 64 bits, ...); `description` says what it is.
struct StoredType {
  std::optional<DType> dtype;
  std::string description;
  std::size_t size = 0;    // bytes of one stored element
  bool is_signed = true;   // false for unsigned integers
};
StoredType describe_type(hid_t type);

// The native memory type for a darkscan element type.
hid_t native_type(DType t);

// Attributes: scalar numbers and strings, as found on groups and datasets. Integers are
// read as int64, a uint64 above the int64 range as the nearest double.
using AttributeValue = std::variant<std::int64_t, double, std::string>;
std::vector<std::pair<std::string, AttributeValue>> read_attributes(hid_t obj, std::string_view context);
void write_attribute(hid_t obj, const std::string& name, const AttributeValue& value, std::string_view context);

}  // namespace darkscan::h5
