#pragma once
// The CPU launcher: maps a functor of the numerical core over an index range on
// OpenMP threads, the twin of kernels/launch.cuh. Exceptions thrown inside a
// parallel region cannot cross it, so each thread keeps the first one and the
// launcher rethrows it after the region.
#include <omp.h>

#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

namespace darkscan::host {

class CpuLauncher {
 public:
  // threads <= 0: as many as OpenMP offers (OMP_NUM_THREADS or the cores).
  explicit CpuLauncher(int threads = 0) : threads_(threads > 0 ? threads : omp_get_max_threads()) {}
  int threads() const { return threads_; }

  // f(i) for every i in [0, n).
  template <class F>
  void parallel_for(std::uint64_t n, const F& f) const {
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for num_threads(threads_) schedule(static)
    for (std::int64_t i = 0; i < count; ++i) run_one(f, i, error, error_mutex);
    if (error) std::rethrow_exception(error);
  }

  // The same, handing out blocks of `grain` items as threads become free: for work
  // whose items vary in cost or that shares the cores with another thread (the
  // generator's writer), where a static split waits for the slowest thread.
  template <class F>
  void parallel_for_dynamic(std::uint64_t n, const F& f, int grain = 256) const {
    std::exception_ptr error;
    std::mutex error_mutex;
    const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for num_threads(threads_) schedule(dynamic, grain)
    for (std::int64_t i = 0; i < count; ++i) run_one(f, i, error, error_mutex);
    if (error) std::rethrow_exception(error);
  }

  // combine(map(0), map(1), ..., map(n-1)) over fixed blocks of `block` items, each
  // reduced left to right, the block results then combined in block order: the same
  // bits for any thread count, also for non-associative floating-point sums.
  template <class T, class Map, class Combine>
  T reduce(std::uint64_t n, T init, const Map& map, const Combine& combine, std::uint64_t block = 1 << 15) const {
    const std::uint64_t blocks = (n + block - 1) / block;
    std::vector<T> partial(blocks, init);
    parallel_for(blocks, [&](std::uint64_t b) {
      const std::uint64_t end = (b + 1) * block < n ? (b + 1) * block : n;
      T acc = init;
      for (std::uint64_t i = b * block; i < end; ++i) acc = combine(acc, map(i));
      partial[b] = acc;
    });
    T acc = init;
    for (const T& p : partial) acc = combine(acc, p);
    return acc;
  }

 private:
  template <class F>
  static void run_one(const F& f, std::int64_t i, std::exception_ptr& error, std::mutex& error_mutex) {
    try {
      f(static_cast<std::uint64_t>(i));
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  }

  int threads_;
};

}  // namespace darkscan::host
