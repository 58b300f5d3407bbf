#!/usr/bin/env bash
# The demo: builds darkscan (scripts/setup.sh), generates the built-in toy Belle II
# sample of scan_configs/demo.toml (signal grid, background cocktail and a 365 fb^-1
# data sample with an injected signal) and runs the event store's check over it:
# every sample loaded through the chosen backend in chunks, checked against the
# DATA.md schema, and each column's range reported.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh default

out="darkscan-output/demo"
mkdir -p "$out"
./build/default/darkscan generate --config scan_configs/demo.toml --output "$out/events.h5"
# The config names the event file ([input] events).
./build/default/darkscan info --check --config scan_configs/demo.toml
