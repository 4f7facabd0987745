/* Precompiled contracts of this issue: ecrecover (0x01), sha256 (0x02), ripemd160 (0x03), identity
 * (0x04), modexp (0x05, EIP-198 + EIP-2565, Osaka EIP-7823/7883). Any other precompile address ends
 * the guest with GUEST_EXIT_MISSING_PRECOMPILE: a block must never be judged without it. */
#ifndef GUEST_PRECOMPILES_H
#define GUEST_PRECOMPILES_H

#include "common.h"
#include "fork.h"

typedef struct precompile_result {
    bool success;
    uint64_t gas_left;
    bytes output;
} precompile_result;

precompile_result run_precompile(const fork_params *fp, const uint8_t addr[20], bytes input, uint64_t gas);

/* Gas of a modexp call (exposed for tests); UINT64_MAX when it exceeds 64 bits. */
uint64_t modexp_gas(const fork_params *fp, bytes input);

#endif
