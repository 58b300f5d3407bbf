#!/usr/bin/env bash
# The demo: builds darkscan (scripts/setup.sh), generates the built-in toy Belle II
# sample of scan_configs/demo.toml (signal grid, background cocktail and a 365 fb^-1
# data sample with an injected signal), runs the event store's check over it (every
# sample loaded in chunks, checked against the DATA.md schema, each column's range
# reported), the selection of ANALYSIS.md section 2 (cutflows, best candidates) and the
# signal model of section 3 (efficiency maps over cτ, resolution fits) and the window
# scan of sections 4 and 5 (p0, Z and limits for every final state, lifetime and mass)
# and the look-elsewhere effect of section 6 (global significance, expected limits).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh default

out="darkscan-output/demo"
mkdir -p "$out"
./build/default/darkscan generate --config scan_configs/demo.toml --output "$out/events.h5"
# The config names the event file ([input] events).
./build/default/darkscan info --check --config scan_configs/demo.toml
./build/default/darkscan select --config scan_configs/demo.toml --output "$out/selected.h5"
./build/default/darkscan efficiency --config scan_configs/demo.toml --output "$out/signal_model.h5"
./build/default/darkscan scan --config scan_configs/demo.toml --data "$out/selected.h5" \
  --model "$out/signal_model.h5" --output "$out/scan.h5"
# The look-elsewhere effect (section 6): 10^4 background-only toys of the whole scan,
# expected limits and coverage, added to scan.h5.
./build/default/darkscan lee --config scan_configs/demo.toml --data "$out/selected.h5" \
  --model "$out/signal_model.h5" --scan "$out/scan.h5" --toys 10000
