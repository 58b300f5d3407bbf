#!/usr/bin/env bash
# The demo: builds darkscan (scripts/setup.sh), writes the demo event file and runs
# the main job on it with scan_configs/demo.toml.
#
# Today the main job is the event store's pass over the sample: every sample loaded
# through the chosen backend in chunks, checked against the DATA.md schema, and each
# column's range reported. The demo file is synthetic (uniform values in the DATA.md
# schema, no physics) until the toy generator provides physics samples.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh default

out="darkscan-output/demo"
mkdir -p "$out"
if [[ ! -f "$out/events.h5" ]]; then
  ./build/default/write_synthetic_events "$out/events.h5" --rows 200000 --seed 12345
fi
# The config names the event file ([input] events).
./build/default/darkscan info --check --config scan_configs/demo.toml
