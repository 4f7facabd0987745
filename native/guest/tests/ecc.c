/* ecc: runs the secp256k1 point syscalls on points from the input and commits each result.
 * Input: records of (1 byte op: 0 = add, 1 = double; then P = x, y as 32 little-endian bytes each; for add also Q);
 * output: each record's result as 64 little-endian bytes (x then y). Another op ends the run with exit code 1. */
#include "zkvm.h"

int main(void)
{
    const uint8_t *in;
    size_t n;
    read_input(&in, &n);
    size_t at = 0;
    while (at < n)
    {
        uint8_t op = in[at++];
        if (op > 1)
            return 1;
        size_t need = op == 0 ? 128 : 64;
        if (n - at < need)
            return 2;
        uint64_t p[8], q[8];
        memcpy(p, in + at, 64);
        if (op == 0)
        {
            memcpy(q, in + at + 64, 64);
            zkvm_secp256k1_add(p, q);
        }
        else
        {
            zkvm_secp256k1_double(p);
        }
        at += need;
        write_output((const uint8_t *)p, 64);
    }
    return 0;
}
