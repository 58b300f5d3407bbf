#pragma once
// The contract every fuzz target of darkscan keeps: one input of arbitrary bytes either
// is accepted or is refused with darkscan::InputError (the one-line error a user sees);
// anything else escaping — another exception, a crash, a sanitizer report, a hang — is
// a defect. Each target defines darkscan_fuzz_one(); the same source builds as a libFuzzer
// target (the fuzz preset, clang) and as a replayer of the committed corpus and crash
// regressions in the default test suite (replay_main.cpp).
#include <cstddef>
#include <cstdint>

// Runs one input; returns normally when it was accepted or refused cleanly.
void darkscan_fuzz_one(const std::uint8_t* data, std::size_t size);
