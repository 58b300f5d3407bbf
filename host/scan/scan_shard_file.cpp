#include "scan/scan_shard_file.hpp"

#include "errors.hpp"
#include "scan/scan_file.hpp"

namespace darkscan::scan {

namespace {

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

void write_scan_part(io::EventFileWriter& writer, const ScanResult& part, const io::Attributes& root,
                     const io::ShardStamp& stamp, std::uint64_t rows) {
  writer.set_root_attributes(root);
  write_scan_rows(writer, part.rows);
  io::write_shard_part(writer, stamp, rows);
}

ScanResult merge_scan_shards(const std::vector<std::string>& paths, io::Attributes& root) {
  const auto [parts, stamps, order] = io::read_ordered_parts(paths, "scan");
  ScanTable t;
  for (std::size_t i : order) {
    const ScanTable rows = read_scan_rows(paths[i]);
    if (rows.size() != parts[i].range.size())
      throw_input_error("{}: /scan has {} rows, its range [{}, {}) has {} (a damaged shard?)", paths[i], rows.size(),
                        parts[i].range.begin, parts[i].range.end, parts[i].range.size());
    append(t.final_state, rows.final_state);
    append(t.ctau_cm, rows.ctau_cm);
    append(t.mass, rows.mass);
    append(t.sigma_mass, rows.sigma_mass);
    append(t.window_lo, rows.window_lo);
    append(t.window_hi, rows.window_hi);
    append(t.n_obs, rows.n_obs);
    append(t.n_sb, rows.n_sb);
    append(t.f, rows.f);
    append(t.delta, rows.delta);
    append(t.efficiency, rows.efficiency);
    append(t.eff_rel_unc, rows.eff_rel_unc);
    append(t.p0, rows.p0);
    append(t.z, rows.z);
    append(t.ul_events, rows.ul_events);
    append(t.ul_xsec_fb, rows.ul_xsec_fb);
    append(t.limit_status, rows.limit_status);
    append(t.stats_flags, rows.stats_flags);
  }
  root = io::with_backend(io::read_root_attributes(paths[order.front()]), io::joined_backends(stamps, order));
  return merge_scan_rows(std::move(t));
}

}  // namespace darkscan::scan
