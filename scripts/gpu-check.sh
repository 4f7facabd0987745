#!/usr/bin/env bash
# The whole GPU check in one call, for a machine with an NVIDIA GPU (the lent device machine):
#   scripts/gpu-check.sh            (results under $OUT if set, else ./gpu-check-out)
# 1. device facts (nvidia-smi), 2. build, 3. the GPU test project (CUDA kernels against the CPU,
# byte-identical proofs; CUDA tests skip only when no device is found, which this script treats as a
# failure), 4. BenchmarkDotNet GPU benchmarks (LDE, Merkle, whole demo proofs, CPU vs CUDA), 5. energy:
# NVML power samples (nvidia-smi, 100 ms) integrated over the benchmark run, reported in joules,
# 6. ILGPU (issue 13): the ILGPU kernel benchmarks (`prover gpu-bench`: coset LDE 2^23->2^24, the NTT 2^24 x 8 on the
# device with one global-memory launch per level and with the shared-memory chunk kernel for the levels below 2^11
# rows (IlgpuOperations.SharedMemoryNtt: the figures that decide whether it becomes the default), Poseidon2
# perms/s, Merkle 2^24 leaves, FRI fold 2^24), the byte-identity CLI tests, the device proving steps (DEEP
# and FRI hooks at 2^18, demo proofs with host<->device bytes with and without kept LDEs), and whole proofs of bigmul.elf
# and the embedded block on --backend cpu and --backend ilgpu (same bytes required) with per-phase
# times, host<->device bytes and the GPU memory peak (nvidia-smi memory.used, 100 ms samples).
# Everything lands in $out/report.md (the figures for docs/benchmarks.md) and $out/summary.txt.
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
echo "== ILGPU" | tee -a "$out/summary.txt"
prover=src/Prover.Cli/bin/Release/net10.0/prover
report="$out/report.md"
{
  echo "# ILGPU GPU check, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo '```'
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv
  echo "cpu: $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo '```'
} > "$report"
echo "## kernels (host to host, best of 3; checked against the CPU before timing)" >> "$report"
echo '```' >> "$report"
timeout 900 "$prover" gpu-bench --device gpu --log-n 24 > "$out/ilgpu-bench.txt" 2>&1 || status=1
cat "$out/ilgpu-bench.txt" | tee -a "$out/summary.txt" >> "$report"
echo '```' >> "$report"

echo "== ILGPU byte-identity CLI tests (demo AIRs on ilgpu:cpu, hello.elf on the GPU)" | tee -a "$out/summary.txt"
dotnet test tests/Prover.Cli.Tests -c Release --no-build --filter "FullyQualifiedName~Demo_proof_bytes_are_the_same|FullyQualifiedName~Elf_proof_bytes_are_the_same_on_ilgpu_and_cpu" \
  --logger "trx;LogFileName=cli.trx" --results-directory "$out" > "$out/cli-tests.log" 2>&1 || status=1
grep -E "Passed!|Failed!" "$out/cli-tests.log" | tee -a "$out/summary.txt" >> "$report"
if grep -q 'outcome="NotExecuted"' "$out/cli.trx" 2>/dev/null; then
  echo "the ILGPU GPU proof test was skipped on a GPU machine" | tee -a "$out/summary.txt"; status=1
fi

echo "== ILGPU device proving steps (LogUp, quotient, openings, DEEP, FRI fold/roll-in/commit, kept LDEs) on the GPU" | tee -a "$out/summary.txt"
echo "## device proving steps (DEEP and FRI hooks on the GPU; demo proofs with and without kept device copies)" >> "$report"
dotnet test tests/Prover.Gpu.Tests -c Release --no-build --filter "FullyQualifiedName~DeepAndFriHooksMatchCpuAtScale|FullyQualifiedName~LogUpQuotientAndOpeningsMatchCpuAtScale|FullyQualifiedName~DemoProofBytesAndTrafficOnTheGpu" \
  --logger "console;verbosity=detailed" --logger "trx;LogFileName=hooks.trx" --results-directory "$out" > "$out/hooks-tests.log" 2>&1 || status=1
{
  echo '```'
  grep -E "Passed!|Failed!|host<->device|keep=" "$out/hooks-tests.log"
  echo '```'
} | tee -a "$out/summary.txt" >> "$report"
if grep -q 'outcome="NotExecuted"' "$out/hooks.trx" 2>/dev/null; then
  echo "the ILGPU device-step tests were skipped on a GPU machine" | tee -a "$out/summary.txt"; status=1
fi

# Whole proofs: the same bytes on both backends; per-phase times, device traffic and GPU memory peak.
prove_pair() { # name, then the prove arguments
  local name=$1; shift
  for backend in cpu ilgpu; do
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$out/mem-$name-$backend.csv" 2>/dev/null &
    local sampler=$!
    timeout 1200 "$prover" prove "$@" --backend "$backend" --out "$out/$name-$backend.bin" --json > "$out/$name-$backend.json" 2> "$out/$name-$backend.err" || status=1
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
    local peak
    peak=$(sort -n "$out/mem-$name-$backend.csv" | tail -1)
    {
      echo "### $name, --backend $backend (GPU memory.used peak: ${peak:-?} MiB)"
      echo '```'
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [print(f"{k}: {d.get(k)}") for k in ("backend","total_num_cycles","shards","proving_time_ms","cycles_per_second","proof_size","verified","device")]; [print(f"  {k:36} {v:10.1f} ms") for k,v in d["phases_ms"].items()]' "$out/$name-$backend.json" 2>&1
      echo '```'
    } >> "$report"
  done
  if cmp -s "$out/$name-cpu.bin" "$out/$name-ilgpu.bin"; then
    echo "$name: proof bytes identical on cpu and ilgpu" | tee -a "$out/summary.txt" >> "$report"
  else
    echo "$name: PROOF BYTES DIFFER between cpu and ilgpu" | tee -a "$out/summary.txt" >> "$report"; status=1
  fi
}
echo "## whole proofs" >> "$report"
prove_pair bigmul --elf native/guest/tests/elf/bigmul.elf --config development
prove_pair block --config provable-100

echo "== done (status $status); results in $out (figures: $report)" | tee -a "$out/summary.txt"
exit "$status"
