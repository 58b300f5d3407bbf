#include "signal_model/efficiency_shard_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "errors.hpp"
#include "io/file_checksum.hpp"
#include "io/h5.hpp"
#include "signal_model/signal_model_file.hpp"

namespace darkscan::signal_model {

std::string efficiency_fingerprint(const io::Attributes &root, std::string_view backend_kind,
                                   const std::string &input) {
  return io::run_fingerprint("efficiency", root, backend_kind, {fmt::format("input sha256 {}", io::sha256_file(input))});
}

void write_efficiency_part(io::EventFileWriter &writer, const SignalModel &model, const io::Attributes &root,
                           const io::ShardStamp &stamp) {
  write_signal_model(writer, model, root);
  io::write_shard_part(writer, stamp, model.all_points);
}

MergedSignalModel merge_efficiency_shards(const std::vector<std::string> &paths, io::EventFileWriter &writer,
                                          const std::string &backend) {
  const auto [parts, stamps, order] = io::read_ordered_parts(paths, "efficiency");
  MergedSignalModel out;
  out.shards = paths.size();
  std::set<std::string> names;
  for (std::size_t i : order) {
    bool has_points = false;
    {
      const auto file = h5::open_file_readonly(paths[i]);
      has_points = h5::link_exists(file.get(), "/points");
    }
    SignalModel shard;
    if (has_points) shard = read_signal_model(paths[i]);
    if (shard.points.size() != parts[i].range.size())
      throw_input_error(
          "{}: /points has {} signal points, its range [{}, {}) "
          "has {} (a damaged shard?)",
          paths[i], shard.points.size(), parts[i].range.begin, parts[i].range.end, parts[i].range.size());
    if (!shard.ctau_cm.empty()) out.lifetimes = shard.ctau_cm.size();
    for (auto &p : shard.points) {
      if (!names.insert(p.name).second)
        throw_input_error("{}: signal point {} is another shard's too (a damaged shard?)", paths[i], p.name);
      out.points.push_back(std::move(p));
    }
  }
  // The order of one process (point_key).
  sort_points(out.points);

  io::Attributes root = io::read_root_attributes(paths[order.front()]);
  writer.set_root_attributes(io::with_backend(root, backend.empty() ? io::joined_backends(stamps, order) : backend));
  // The tables of one point or sample are whole in the shard that computed
  // them; one process writes the groups in this order.
  for (const char *group : {"points", "efficiency_chi2", "efficiency", "resolution"})
    for (std::size_t i : order) writer.copy_tables(paths[i], group);
  std::vector<double> ctau;
  if (!out.points.empty()) ctau = out.points.front().map.ctau_cm;
  write_maps(writer, out.points, ctau);
  return out;
}

}  // namespace darkscan::signal_model
