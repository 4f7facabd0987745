/* modmul: runs the modmul syscalls on operands from the input and commits each result.
 * Input: records of (1 byte limbs = 4 or 6, then x, y, m as limbs·8 little-endian bytes each); output: each
 * record's x·y mod m as limbs·8 little-endian bytes. A record with another limb count ends the run. */
#include "zkvm.h"

int main(void)
{
    const uint8_t *in;
    size_t n;
    read_input(&in, &n);
    size_t at = 0;
    while (at < n)
    {
        size_t limbs = in[at++];
        if (limbs != 4 && limbs != 6)
            return 1;
        size_t bytes = 8 * limbs;
        if (n - at < 3 * bytes)
            return 2;
        uint64_t x[6], ym[12];
        memcpy(x, in + at, bytes);
        memcpy(ym, in + at + bytes, 2 * bytes);
        at += 3 * bytes;
        if (limbs == 4)
            zkvm_modmul256(x, ym);
        else
            zkvm_modmul384(x, ym);
        write_output((const uint8_t *)x, bytes);
    }
    return 0;
}
