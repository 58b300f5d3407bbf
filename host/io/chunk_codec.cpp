#include "io/chunk_codec.hpp"

#include <libdeflate.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <omp.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "launch.hpp"

namespace darkscan::io {

namespace {

std::atomic<int> g_codec_threads{0};

// Set in the child of a fork: OpenMP's pool belongs to the parent there, and a parallel
// region would wait for its threads for ever (libgomp is not fork-safe).
std::atomic<bool> g_forked{false};
[[maybe_unused]] const int kForkWatch = ::pthread_atfork(nullptr, nullptr, [] { g_forked.store(true); });

// libdeflate's (de)compressors hold tables worth keeping between chunks: one per thread
// and level.
struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

libdeflate_compressor* compressor(unsigned level) {
  thread_local std::unique_ptr<libdeflate_compressor, CompressorDeleter> cached;
  thread_local unsigned cached_level = 0;
  if (!cached || cached_level != level) {
    cached.reset(libdeflate_alloc_compressor(static_cast<int>(level)));
    if (!cached) throw std::bad_alloc();
    cached_level = level;
  }
  return cached.get();
}

libdeflate_decompressor* decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> cached;
  if (!cached) {
    cached.reset(libdeflate_alloc_decompressor());
    if (!cached) throw std::bad_alloc();
  }
  return cached.get();
}

// HDF5's shuffle: byte j of element i goes to position j * n + i; a remainder that is
// not a whole element stays in place at the end (H5Zshuffle.c).
void shuffle(const std::byte* in, std::size_t bytes, std::size_t size, std::byte* out) {
  const std::size_t n = bytes / size;
  for (std::size_t j = 0; j < size; ++j)
    for (std::size_t i = 0; i < n; ++i) out[j * n + i] = in[i * size + j];
  std::memcpy(out + n * size, in + n * size, bytes - n * size);
}

// Element by element, its bytes gathered from the `size` planes: writes in order, reads
// from a few streams, and the width a constant for the usual sizes.
template <std::size_t S>
void unshuffle_fixed(const std::byte* in, std::size_t n, std::size_t from, std::byte* out) {
  for (std::size_t i = from; i < n; ++i)
    for (std::size_t j = 0; j < S; ++j) out[i * S + j] = in[j * n + i];
}

#if defined(__SSE2__)
// 16 elements at a time: 16 bytes of each plane interleaved by byte, then by 2-byte and
// 4-byte pairs, which is the same transpose as the loop above in a few register
// operations: the byte loop alone took a tenth of darkscan select's CPU.
inline __m128i load16(const std::byte* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
inline void store16(std::byte* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }

std::size_t unshuffle_simd4(const std::byte* in, std::size_t n, std::byte* out) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i b0 = load16(in + i), b1 = load16(in + n + i), b2 = load16(in + 2 * n + i),
                  b3 = load16(in + 3 * n + i);
    const __m128i lo01 = _mm_unpacklo_epi8(b0, b1), hi01 = _mm_unpackhi_epi8(b0, b1);
    const __m128i lo23 = _mm_unpacklo_epi8(b2, b3), hi23 = _mm_unpackhi_epi8(b2, b3);
    std::byte* o = out + i * 4;
    store16(o, _mm_unpacklo_epi16(lo01, lo23));
    store16(o + 16, _mm_unpackhi_epi16(lo01, lo23));
    store16(o + 32, _mm_unpacklo_epi16(hi01, hi23));
    store16(o + 48, _mm_unpackhi_epi16(hi01, hi23));
  }
  return i;
}

std::size_t unshuffle_simd8(const std::byte* in, std::size_t n, std::byte* out) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i b[8];
    for (std::size_t j = 0; j < 8; ++j) b[j] = load16(in + j * n + i);
    // Bytes (2k, 2k + 1) of elements 0-7 (lo) and 8-15 (hi).
    __m128i p[8];
    for (std::size_t k = 0; k < 4; ++k) {
      p[k] = _mm_unpacklo_epi8(b[2 * k], b[2 * k + 1]);
      p[4 + k] = _mm_unpackhi_epi8(b[2 * k], b[2 * k + 1]);
    }
    // Bytes 0-3 and 4-7 of elements 0-3, 4-7 (from lo), 8-11, 12-15 (from hi).
    for (std::size_t h = 0; h < 2; ++h) {
      const __m128i* q = p + 4 * h;
      const __m128i a0 = _mm_unpacklo_epi16(q[0], q[1]), a1 = _mm_unpackhi_epi16(q[0], q[1]);
      const __m128i c0 = _mm_unpacklo_epi16(q[2], q[3]), c1 = _mm_unpackhi_epi16(q[2], q[3]);
      std::byte* o = out + (i + 8 * h) * 8;
      store16(o, _mm_unpacklo_epi32(a0, c0));
      store16(o + 16, _mm_unpackhi_epi32(a0, c0));
      store16(o + 32, _mm_unpacklo_epi32(a1, c1));
      store16(o + 48, _mm_unpackhi_epi32(a1, c1));
    }
  }
  return i;
}
#else
std::size_t unshuffle_simd4(const std::byte*, std::size_t, std::byte*) { return 0; }
std::size_t unshuffle_simd8(const std::byte*, std::size_t, std::byte*) { return 0; }
#endif

void unshuffle(const std::byte* in, std::size_t bytes, std::size_t size, std::byte* out) {
  const std::size_t n = bytes / size;
  switch (size) {
    case 2: unshuffle_fixed<2>(in, n, 0, out); break;
    case 4: unshuffle_fixed<4>(in, n, unshuffle_simd4(in, n, out), out); break;
    case 8: unshuffle_fixed<8>(in, n, unshuffle_simd8(in, n, out), out); break;
    default:
      for (std::size_t j = 0; j < size; ++j)
        for (std::size_t i = 0; i < n; ++i) out[i * size + j] = in[j * n + i];
  }
  std::memcpy(out + n * size, in + n * size, bytes - n * size);
}

}  // namespace

bool own_filters(hid_t dataset_create, ChunkFilters& filters) {
  filters = {};
  const int n = H5Pget_nfilters(dataset_create);
  if (n < 0 || n > 2) return false;
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, values[8] = {};
    std::size_t count = 8;
    char name[64];
    const H5Z_filter_t id = H5Pget_filter2(dataset_create, static_cast<unsigned>(i), &flags, &count, values,
                                           sizeof name, name, nullptr);
    if (id == H5Z_FILTER_SHUFFLE && i == 0 && n == 2) {
      filters.shuffle = true;
    } else if (id == H5Z_FILTER_DEFLATE && i == n - 1) {
      filters.deflate = true;
      filters.deflate_level = count > 0 ? values[0] : 6;
    } else {
      return false;
    }
  }
  return true;
}

void encode_chunk(std::span<const std::byte> raw, std::size_t element_size, const ChunkFilters& filters,
                  std::vector<std::byte>& out) {
  thread_local std::vector<std::byte> shuffled;
  std::span<const std::byte> data = raw;
  if (filters.shuffle && element_size > 1) {
    shuffled.resize(raw.size());
    shuffle(raw.data(), raw.size(), element_size, shuffled.data());
    data = shuffled;
  }
  if (!filters.deflate) {
    out.assign(data.begin(), data.end());
    return;
  }
  // libdeflate's levels run to 12; HDF5's (zlib's) to 9, which mean the same speed class.
  libdeflate_compressor* c = compressor(filters.deflate_level == 0 ? 1 : filters.deflate_level);
  out.resize(libdeflate_zlib_compress_bound(c, data.size()));
  const std::size_t written = libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size());
  if (written == 0) throw std::logic_error("encode_chunk: the compression bound was too small");
  out.resize(written);
}

bool decode_chunk(std::span<const std::byte> stored, std::uint32_t skipped, std::size_t element_size,
                  const ChunkFilters& filters, std::span<std::byte> raw) {
  const bool shuffled = filters.shuffle && (skipped & 1u) == 0 && element_size > 1;
  const unsigned deflate_index = filters.shuffle ? 1 : 0;
  const bool deflated = filters.deflate && (skipped & (1u << deflate_index)) == 0;
  thread_local std::vector<std::byte> inflated;
  std::span<const std::byte> data = stored;
  if (deflated) {
    std::byte* target = raw.data();
    if (shuffled) {
      inflated.resize(raw.size());
      target = inflated.data();
    }
    std::size_t actual = 0;
    if (libdeflate_zlib_decompress(decompressor(), stored.data(), stored.size(), target, raw.size(), &actual) !=
            LIBDEFLATE_SUCCESS ||
        actual != raw.size())
      return false;
    if (!shuffled) return true;
    data = std::span<const std::byte>(inflated.data(), raw.size());
  }
  if (data.size() != raw.size()) return false;
  if (shuffled) unshuffle(data.data(), data.size(), element_size, raw.data());
  else if (data.data() != raw.data()) std::memcpy(raw.data(), data.data(), data.size());
  return true;
}

void set_codec_threads(int threads) { g_codec_threads.store(threads > 0 ? threads : 0); }

int codec_threads() {
  const int n = g_codec_threads.load();
  return n > 0 ? n : omp_get_max_threads();
}

void run_codec_tasks(std::size_t n, const std::function<void(std::size_t)>& task) {
  const std::size_t threads = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, codec_threads())));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) task(i);
    return;
  }
  if (!g_forked.load()) {
    // OpenMP's pool, the threads the stages' parallel loops use: fresh threads here would
    // compete with that pool's threads, which spin a while after each loop.
    host::CpuLauncher(static_cast<int>(threads)).parallel_for_dynamic(n, task, 1);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        task(i);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;  // the others stop at their next task
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace darkscan::io
