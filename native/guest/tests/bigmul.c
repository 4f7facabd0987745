/* bigmul: multiplies 24 pseudo-random 4-limb numbers into one 97-limb product, then squares the low
 * 16 limbs 200 times (mod 2^1024); outputs hashes and the top limb. */
#include "common.h"
#include "bigint.h"

int main(void)
{
    uint64_t s = seed_from_input(12345);
    uint64_t acc[100] = {1}, next[100], f[4];
    size_t len = 1;
    for (int k = 0; k < 24; k++) {
        for (int i = 0; i < 4; i++)
            f[i] = xorshift64(&s);
        big_mul(next, acc, len, f, 4);
        len += 4;
        memcpy(acc, next, len * sizeof *acc);
    }
    write_u64(fnv1a(FNV_OFFSET, acc, len * sizeof *acc));
    write_u64(acc[len - 1]);
    uint64_t x[16], sq[32];
    memcpy(x, acc, sizeof x);
    for (int r = 0; r < 200; r++) {
        big_mul(sq, x, 16, x, 16);
        memcpy(x, sq, sizeof x);
        x[0] |= 1;
    }
    write_u64(fnv1a(FNV_OFFSET, x, sizeof x));
    return 0;
}
