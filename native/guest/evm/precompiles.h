/* The precompiled contracts: ecrecover (0x01), sha256 (0x02), ripemd160 (0x03), identity (0x04),
 * modexp (0x05, EIP-198 + EIP-2565, Osaka EIP-7823/7883), bn254 ECADD/ECMUL/ECPAIRING (0x06-0x08,
 * EIP-196/197 with EIP-1108 gas), BLAKE2F (0x09, EIP-152), POINT_EVALUATION (0x0a, EIP-4844), the
 * BLS12-381 operations (0x0b-0x11, EIP-2537, Prague+) and P256VERIFY (0x100, EIP-7951, Osaka+).
 * Fork gating is evm_is_precompile's; the cryptography is the accelerator library's
 * (native/guest/accel/zkvm_accelerators.h: ZKVM_EINVAL = the call fails, consuming its gas; for
 * P256VERIFY any failure is a successful call with empty output). Each call is a cycle region
 * "pc_<name>" (zkvm_region_begin/end). */
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

/* EIP-2537 G1MSM (g2 false) / G2MSM (g2 true) gas for k pairs (exposed for tests). */
uint64_t bls_msm_gas(bool g2, uint64_t k);

#endif
