/* Schoolbook big-integer arithmetic on 64-bit limbs (little-endian), shared by bigmul and bench. */
#ifndef TESTS_BIGINT_H
#define TESTS_BIGINT_H
#include "zkvm.h"

/* r[0..na+nb) = a * b; r must not overlap a or b. Uses mul + mulhu through unsigned __int128. */
static void big_mul(uint64_t *r, const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    memset(r, 0, (na + nb) * sizeof *r);
    for (size_t i = 0; i < na; i++) {
        unsigned __int128 carry = 0;
        for (size_t j = 0; j < nb; j++) {
            unsigned __int128 t = (unsigned __int128)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        r[i + nb] = (uint64_t)carry;
    }
}
#endif
