#!/usr/bin/env bash
# Hook of .ci/check-native: rebuilds the EVM guest ELFs into the given temporary folder and compares
# them byte for byte with the committed native/guest/evm/evm-guest.elf and evm-guest-dump.elf.
set -euo pipefail
tmp=${1:?usage: check-native.sh TMPDIR}
here=$(cd "$(dirname "$0")" && pwd)
make -s -C "$here" BUILD="$tmp/evm" rv64 >/dev/null
status=0
for elf in evm-guest.elf evm-guest-dump.elf; do
  if ! cmp -s "$tmp/evm/rv64/$elf" "$here/$elf"; then
    echo "check-native: native/guest/evm/$elf differs from a fresh build (make -C native/guest/evm elf)" >&2
    status=1
  fi
done
exit "$status"
