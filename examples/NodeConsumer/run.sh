#!/usr/bin/env bash
# Packs the prover's libraries into a local folder feed and builds and runs this consumer against them, as node
# software would (CI runs it). Usage: examples/NodeConsumer/run.sh [--block]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
feed="$root/artifacts/local-feed"
version="0.1.0-local.$(date -u +%Y%m%d%H%M%S)"
rm -rf "$feed"; mkdir -p "$feed"
for p in Prover.Core Prover.Witness Prover.Gpu Prover.Node; do
  dotnet pack "$root/src/$p/$p.csproj" -c Release -nologo -clp:ErrorsOnly -p:Version="$version" -o "$feed"
done
cd "$here"
dotnet build -c Release -nologo -clp:ErrorsOnly --source "$feed" --source https://api.nuget.org/v3/index.json -p:RestoreNoCache=true
dotnet run -c Release --no-build -- "$root/native/guest/tests/elf/hello.elf" "$@"
