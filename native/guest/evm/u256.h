/* 256-bit unsigned integers for the EVM: four 64-bit limbs, least significant first. Signed
 * operations read the value as two's complement. Division by zero gives zero (EVM semantics). */
#ifndef GUEST_U256_H
#define GUEST_U256_H

#include <stdbool.h>
#include <stdint.h>

typedef struct u256 {
    uint64_t w[4];
} u256;

static inline u256 u256_from_u64(uint64_t v)
{
    u256 r = {{v, 0, 0, 0}};
    return r;
}

static inline bool u256_is_zero(const u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

static inline bool u256_eq(const u256 *a, const u256 *b)
{
    return a->w[0] == b->w[0] && a->w[1] == b->w[1] && a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

/* True when a fits in 64 bits. */
static inline bool u256_fits_u64(const u256 *a)
{
    return (a->w[1] | a->w[2] | a->w[3]) == 0;
}

void u256_from_be(u256 *r, const uint8_t *be, unsigned len); /* len <= 32, big-endian */
void u256_to_be32(const u256 *a, uint8_t out[32]);

bool u256_lt(const u256 *a, const u256 *b);
bool u256_slt(const u256 *a, const u256 *b);
int u256_cmp(const u256 *a, const u256 *b);

u256 u256_add(const u256 *a, const u256 *b);
u256 u256_sub(const u256 *a, const u256 *b);
u256 u256_mul(const u256 *a, const u256 *b);
/* a * b; returns true when the full product does not fit in 256 bits (*out gets the low half). */
bool u256_mul_overflow(const u256 *a, const u256 *b, u256 *out);
u256 u256_div(const u256 *a, const u256 *b);
u256 u256_mod(const u256 *a, const u256 *b);
u256 u256_sdiv(const u256 *a, const u256 *b);
u256 u256_smod(const u256 *a, const u256 *b);
u256 u256_addmod(const u256 *a, const u256 *b, const u256 *n);
u256 u256_mulmod(const u256 *a, const u256 *b, const u256 *n);
u256 u256_exp(const u256 *base, const u256 *exponent);
u256 u256_signextend(const u256 *byte_index, const u256 *x);
u256 u256_shl(const u256 *shift, const u256 *x);
u256 u256_shr(const u256 *shift, const u256 *x);
u256 u256_sar(const u256 *shift, const u256 *x);
u256 u256_byte(const u256 *index, const u256 *x);
u256 u256_not(const u256 *a);
u256 u256_and(const u256 *a, const u256 *b);
u256 u256_or(const u256 *a, const u256 *b);
u256 u256_xor(const u256 *a, const u256 *b);
/* Count of leading zero bits (EIP-7939 CLZ: 256 for zero). */
unsigned u256_clz(const u256 *a);
/* Number of significant bytes (0 for zero); used for EXP gas. */
unsigned u256_byte_len(const u256 *a);

#endif
