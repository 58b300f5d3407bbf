#pragma once
// Threads per block of every kernel launch, and the grid's cap, each with its reason.
// The CUDA C++ Best Practices Guide ("Thread and Block Heuristics") asks for a multiple
// of the warp size, 32, takes 128 to 256 threads as the range to start from, and
// prefers several smaller blocks to one large one where latency matters. Kernels whose
// threads carry much state (registers, spilled to local memory) take 64: the register
// file then holds few of their threads per SM, and small blocks fill it in finer
// steps. The limits quoted are those of compute capabilities 8.0 and 9.0, the
// architectures built by default (CUDA C++ Programming Guide, "Compute Capabilities",
// technical specifications: 2048 resident threads and 32 resident blocks per SM).
namespace darkscan::cuda {

// Blocks per SM at the most (launch.cuh): with 128-thread blocks that is 2048 threads,
// all an SM holds; a larger grid would only queue, and the grid-stride loop takes
// the items beyond it.
inline constexpr int kMaxBlocksPerSm = 16;

// MarginaliseExperiment: each thread keeps a few kilobytes of coefficients in local
// memory.
inline constexpr int kMarginaliseBlock = 64;

// GatherExperiments, ProjectExperiments, ChooseRules, SplitResults (experiments given as
// columns): a few loads and stores per item, or a binary search over the batch's few
// distinct plans; streaming work, the larger end of the guide's range.
inline constexpr int kExperimentColumnsBlock = 256;

// CombineExperiments: each item holds three channels' coefficients and the mixture in
// local memory (~10 kB): small blocks.
inline constexpr int kCombineBlock = 64;

// CountWindows: about ten binary searches per window over a few kB of masses that stay
// in L1/L2: latency-bound, a few µs for the ~10^4 windows of a full grid.
inline constexpr int kCountWindowsBlock = 128;

// EvaluateCandidates: a streaming pass, 152 bytes read and 40 written per candidate, a
// few hundred flops: the larger end of the guide's range keeps more loads in flight.
inline constexpr int kSelectBlock = 256;

// ReweightBlocks: each item loops over 1024 candidates with two exp and a log each: a
// few µs of work, ~10^4 items for 100 lifetimes of 10^5 candidates.
inline constexpr int kReweightBlock = 128;

// ToyCounts: one thread a toy, a Philox draw and a predictive count for each of at most
// six regions: light work of the same size for every toy, the guide's starting point.
inline constexpr int kToyCountsBlock = 128;

// ToyScan: one thread a toy, tens of events, a few hundred windows with an event each,
// the p0 of each a 48-node sum; work per toy varies, so small blocks keep the SMs busy.
inline constexpr int kToyScanBlock = 64;

}  // namespace darkscan::cuda
