#!/usr/bin/env bash
# Hook of .ci/check-native: rebuilds the EVM guest ELF into the given temporary folder and compares
# it byte for byte with the committed native/guest/evm/evm-guest.elf.
set -euo pipefail
tmp=${1:?usage: check-native.sh TMPDIR}
here=$(cd "$(dirname "$0")" && pwd)
make -s -C "$here" BUILD="$tmp/evm" rv64 >/dev/null
if ! cmp -s "$tmp/evm/rv64/evm-guest.elf" "$here/evm-guest.elf"; then
  echo "check-native: native/guest/evm/evm-guest.elf differs from a fresh build (make -C native/guest/evm elf)" >&2
  exit 1
fi
