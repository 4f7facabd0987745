/* u256ops: runs the EVM guest's 256-bit arithmetic (native/guest/evm/u256.c in its zkVM build: MOD, ADDMOD and
 * MULMOD through the MODMUL256 syscall, the rest plain) on operands from the input and commits each result, for a
 * differential test against big integers (tests/Prover.Core.Tests/Zkvm/U256GuestTests.cs).
 * Input: records of (1 byte op, then a, b, n as 32 big-endian bytes each); output: each record's 32-byte big-endian
 * result. Ops: 0 MOD(a, b), 1 ADDMOD(a, b, n), 2 MULMOD(a, b, n), 3 MUL(a, b), 4 EXP(a, b), 5 DIV(a, b),
 * 6 u256_from_be of b's first (n mod 33) bytes starting at byte (a mod 8) of the record's b‖n. Another op ends the
 * run with exit code 1. */
#include "zkvm.h"

#include "../evm/u256.c"

int main(void)
{
    const uint8_t *in;
    size_t n;
    read_input(&in, &n);
    size_t at = 0;
    while (at < n) {
        uint8_t op = in[at++];
        if (n - at < 96)
            return 2;
        const uint8_t *rec = in + at;
        u256 a, b, m, r;
        u256_from_be(&a, rec, 32);
        u256_from_be(&b, rec + 32, 32);
        u256_from_be(&m, rec + 64, 32);
        at += 96;
        switch (op) {
        case 0: r = u256_mod(&a, &b); break;
        case 1: r = u256_addmod(&a, &b, &m); break;
        case 2: r = u256_mulmod(&a, &b, &m); break;
        case 3: r = u256_mul(&a, &b); break;
        case 4: r = u256_exp(&a, &b); break;
        case 5: r = u256_div(&a, &b); break;
        case 6: u256_from_be(&r, rec + 32 + (rec[31] % 8), rec[95] % 33); break;
        default: return 1;
        }
        uint8_t out[32];
        u256_to_be32(&r, out);
        write_output(out, 32);
    }
    return 0;
}
