#!/usr/bin/env bash
# The whole GPU check in one call, for a machine with an NVIDIA GPU (the lent device machine):
#   scripts/gpu-check.sh            (results under $OUT if set, else ./gpu-check-out)
# 1. device facts (nvidia-smi), 2. build, 3. the GPU test project (CUDA kernels against the CPU,
# byte-identical proofs; CUDA tests skip only when no device is found, which this script treats as a
# failure), 4. BenchmarkDotNet GPU benchmarks (LDE, Merkle, whole demo proofs, CPU vs CUDA), 5. energy:
# NVML power samples (nvidia-smi, 100 ms) integrated over the benchmark run, reported in joules.
# It installs nothing: the .NET SDK and the NVIDIA driver must be present (NVRTC: libnvrtc from the
# CUDA toolkit or Debian's libnvrtc11.2).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$PWD/gpu-check-out}
mkdir -p "$out"
status=0
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== device" | tee "$out/summary.txt"
if ! command -v nvidia-smi >/dev/null; then
  echo "no nvidia-smi: not a GPU machine" | tee -a "$out/summary.txt"; exit 2
fi
nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv | tee -a "$out/summary.txt"

echo "== build" | tee -a "$out/summary.txt"
dotnet build Prover.sln -c Release -warnaserror -nologo -clp:ErrorsOnly > "$out/build.log" 2>&1 || { echo "build failed" | tee -a "$out/summary.txt"; exit 1; }

echo "== GPU tests (CUDA path must run, not skip)" | tee -a "$out/summary.txt"
dotnet test tests/Prover.Gpu.Tests -c Release --no-build --logger "trx;LogFileName=gpu.trx" --results-directory "$out" > "$out/tests.log" 2>&1 || status=1
grep -E "Passed!|Failed!" "$out/tests.log" | tee -a "$out/summary.txt"
if grep -q 'outcome="NotExecuted"' "$out/gpu.trx" 2>/dev/null; then
  echo "some GPU tests were skipped on a GPU machine:" | tee -a "$out/summary.txt"
  grep -o 'testName="[^"]*"[^>]*outcome="NotExecuted"' "$out/gpu.trx" | cut -d'"' -f2 | tee -a "$out/summary.txt"
  status=1
fi

echo "== benchmarks with power sampling" | tee -a "$out/summary.txt"
nvidia-smi --query-gpu=timestamp,power.draw --format=csv,noheader,nounits -lms 100 > "$out/power.csv" 2>/dev/null &
sampler=$!
start=$(date +%s.%N)
dotnet run -c Release --project benchmarks/Prover.Benchmarks --no-build -- --filter '*GpuBackend*' --job short \
  --artifacts "$out/bdn" > "$out/benchmarks.log" 2>&1 || status=1
end=$(date +%s.%N)
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
# Energy = mean power (W) × wall time (s) of the benchmark run (includes idle gaps between cases).
awk -F', ' -v s="$start" -v e="$end" '{ p += $2; n++ } END { if (n) printf "energy: %.1f J over %.1f s (mean %.1f W, %d samples)\n", p/n*(e-s), e-s, p/n, n }' \
  "$out/power.csv" | tee -a "$out/summary.txt"
find "$out/bdn" -name '*-report-github.md' -exec cat {} \; >> "$out/summary.txt" 2>/dev/null
echo "== done (status $status); results in $out" | tee -a "$out/summary.txt"
exit "$status"
