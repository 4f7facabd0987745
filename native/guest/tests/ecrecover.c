/* ecrecover: the accelerator library's secp256k1 public-key recovery (accel/ecdsa.c over the MODMUL256 and point
 * syscalls), one call per input record, each inside the cycle region "ecrecover" (docs/benchmarks.md measures the
 * cycles per call with it). Input: records of (32-byte hash, 64-byte r ‖ s, 1-byte recovery id); output: per record
 * 1 status byte (0 = recovered) and the 64-byte public key x ‖ y big-endian (zeros when not recovered). A short
 * record ends the run with exit code 1. */
#include "zkvm.h"
#include "../accel/fp.c"
#include "../accel/fp_pow.c"
#include "../accel/ecdsa.c"

int main(void)
{
    const uint8_t *in;
    size_t n;
    read_input(&in, &n);
    size_t at = 0;
    while (at < n)
    {
        if (n - at < 97)
            return 1;
        uint8_t pub[64] = {0}, st;
        zkvm_region_begin("ecrecover");
        st = (uint8_t)zkvm_secp256k1_ecrecover(in + at, in + at + 32, in[at + 96], pub);
        zkvm_region_end("ecrecover");
        if (st != 0)
            memset(pub, 0, 64);
        write_output(&st, 1);
        write_output(pub, 64);
        at += 97;
    }
    return 0;
}
