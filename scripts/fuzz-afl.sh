#!/usr/bin/env bash
# AFL++ run of one fuzz harness (docs/design.md, "Fuzzing"):
#   scripts/fuzz-afl.sh <harness> [seconds] [out-dir]      harnesses: dotnet tools/Prover.Fuzz/... list
#   scripts/fuzz-afl.sh guest-input [seconds] [out-dir]    the C guest's input decoder (host build, afl-cc)
# Writes seeds generated at run time (with the ordinary build of tools/Prover.Fuzz), publishes the tool and
# instruments Prover.Core.dll and Prover.Witness.dll with the sharpfuzz tool (SharpFuzz.CommandLine 2.3.0;
# FUZZ_PUBLISH=<dir> reuses one instrumented copy across runs), and runs afl-fuzz for the given seconds
# (default 60) with one process and no CPU binding (shared machines). FUZZ_TIMEOUT_MS (default 10000) is
# the per-input timeout; the zkvm-proof harness builds its verifying key on its first input and needs more.
# Findings land in <out-dir>/afl/default/crashes and hangs; replay them with
#   dotnet tools/Prover.Fuzz/bin/Release/net10.0/prover-fuzz.dll replay <harness> <out-dir>/afl/default/crashes
# and commit each as tools/Prover.Fuzz/regressions/<harness>/<name> once fixed.
# Needs afl++ (Debian package, in .ci/apt-packages). Exits 0 when no crash or hang was found, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
harness=${1:?usage: scripts/fuzz-afl.sh <harness> [seconds] [out-dir]}
seconds=${2:-60}
out=$(realpath -m "${3:-$root/.fuzz-out/$harness}")
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
mkdir -p "$out"
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_QUIET=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PROVER_REPO="$root"
rm -rf "$out/afl" "$out/seeds"
mkdir -p "$out/seeds"


# Seeds come from the ordinary (uninstrumented) build of the tool.
tool_dll=tools/Prover.Fuzz/bin/Release/net10.0/prover-fuzz.dll
[ -f "$tool_dll" ] || dotnet build tools/Prover.Fuzz -c Release -nologo -clp:ErrorsOnly >/dev/null

if [ "$harness" = guest-input ]; then
  # The C decoder: built with AFL++'s compiler and ASan/UBSan (any sanitizer report is a crash).
  make -s -C native/guest/evm host-fuzz CC_FUZZ=afl-cc BUILD="$out/build" >/dev/null
  dotnet "$tool_dll" seeds ssz-input "$out/seeds" >/dev/null
  AFL_USE_ASAN=1 timeout $((seconds + 60)) afl-fuzz -V "$seconds" -m none -t 2000 -i "$out/seeds" -o "$out/afl" -- "$out/build/host-fuzz/evm-input-fuzz" @@ >"$out/afl.log" 2>&1 || true
else
  dotnet "$tool_dll" seeds "$harness" "$out/seeds" >/dev/null
  # An instrumented published copy, made once and reused by later runs that name the same FUZZ_PUBLISH folder.
  publish=${FUZZ_PUBLISH:-$out/publish}
  if [ ! -f "$publish/.instrumented" ]; then
    rm -rf "$publish"
    dotnet publish tools/Prover.Fuzz -c Release -o "$publish" -nologo -clp:ErrorsOnly >/dev/null
    tool="$publish/.tools/sharpfuzz"
    [ -x "$tool" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$publish/.tools" >/dev/null
    for dll in Prover.Core.dll Prover.Witness.dll; do "$tool" "$publish/$dll" >/dev/null; done
    touch "$publish/.instrumented"
  fi
  AFL_SKIP_BIN_CHECK=1 timeout $((seconds + 120)) afl-fuzz -V "$seconds" -m none -t "${FUZZ_TIMEOUT_MS:-10000}" -i "$out/seeds" -o "$out/afl" -- dotnet "$publish/prover-fuzz.dll" afl "$harness" >"$out/afl.log" 2>&1 || true
fi

stats="$out/afl/default/fuzzer_stats"
[ -f "$stats" ] || { tail -30 "$out/afl.log" >&2; echo "afl-fuzz did not start" >&2; exit 2; }
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(get saved_crashes); hangs=$(get saved_hangs)
[ -n "$crashes" ] || crashes=$(get unique_crashes); [ -n "$hangs" ] || hangs=$(get unique_hangs)
echo "$harness: $(get execs_done) executions in $(get run_time) s, $(get corpus_count) paths in the corpus, edges $(get edges_found)/$(get total_edges), ${crashes:-?} crashes, ${hangs:-?} hangs"
[ "${crashes:-0}" = 0 ] && [ "${hangs:-0}" = 0 ]
