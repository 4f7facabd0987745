#include "validate.h"

#define ELASTICITY_MULTIPLIER 2
#define BASE_FEE_MAX_CHANGE_DENOMINATOR 8
#define GAS_LIMIT_ADJUSTMENT_FACTOR 1024
#define GAS_LIMIT_MINIMUM 5000
#define BLOB_BASE_COST ((uint64_t)1 << 13) /* EIP-7918 */

u256 expected_base_fee(const header *parent)
{
    uint64_t target = parent->gas_limit / ELASTICITY_MULTIPLIER;
    if (parent->gas_used == target || target == 0)
        return parent->base_fee;
    u256 base = parent->base_fee;
    u256 t = u256_from_u64(target), den = u256_from_u64(BASE_FEE_MAX_CHANGE_DENOMINATOR);
    if (parent->gas_used > target) {
        u256 d = u256_from_u64(parent->gas_used - target);
        u256 x = u256_mul(&base, &d);
        x = u256_div(&x, &t);
        x = u256_div(&x, &den);
        u256 one = u256_from_u64(1);
        if (u256_lt(&x, &one))
            x = one;
        return u256_add(&base, &x);
    }
    u256 d = u256_from_u64(target - parent->gas_used);
    u256 x = u256_mul(&base, &d);
    x = u256_div(&x, &t);
    x = u256_div(&x, &den);
    return u256_sub(&base, &x);
}

u256 fake_exponential(uint64_t factor, uint64_t numerator, uint64_t denominator)
{
    u256 max = {{~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0, ~(uint64_t)0}};
    u256 num = u256_from_u64(numerator), den = u256_from_u64(denominator);
    u256 f = u256_from_u64(factor);
    u256 output = u256_from_u64(0);
    u256 accum;
    if (u256_mul_overflow(&f, &den, &accum))
        return max;
    /* Terminates: accum shrinks once i exceeds numerator/denominator, and saturation stops growth
     * early; the iteration bound is a backstop for the loop on adversarial excess values. */
    for (uint64_t i = 1; !u256_is_zero(&accum); i++) {
        u256 next = u256_add(&output, &accum);
        if (u256_lt(&next, &output))
            return max;
        output = next;
        u256 prod;
        if (u256_mul_overflow(&accum, &num, &prod))
            return max;
        u256 iu = u256_from_u64(i), d;
        if (u256_mul_overflow(&den, &iu, &d))
            return max;
        accum = u256_div(&prod, &d);
        if (i > 100000)
            guest_fail(GUEST_EXIT_INTERNAL, "fake_exponential did not converge");
    }
    return u256_div(&output, &den);
}

u256 blob_base_fee(uint64_t excess_blob_gas, const fork_params *fp)
{
    return fake_exponential(1, excess_blob_gas, fp->blob_update_fraction);
}

uint64_t expected_excess_blob_gas(const header *parent, const fork_params *fp)
{
    uint64_t target = fp->target_blobs * GAS_PER_BLOB;
    uint64_t pe = parent->has_blob_gas ? parent->excess_blob_gas : 0;
    uint64_t pu = parent->has_blob_gas ? parent->blob_gas_used : 0;
    /* Sum in 128 bits: the parent's fields are adversary-chosen 64-bit values. */
    unsigned __int128 sum = (unsigned __int128)pe + pu;
    if (sum < target)
        return 0;
    if (fp->osaka) {
        /* EIP-7918: when blobs are cheaper than the execution base fee floor, excess grows without
         * subtracting the target. */
        u256 cost = u256_from_u64(BLOB_BASE_COST), gpb = u256_from_u64(GAS_PER_BLOB);
        u256 fee = blob_base_fee(pe, fp), lhs, rhs;
        bool lhs_over = u256_mul_overflow(&cost, &parent->base_fee, &lhs);
        bool rhs_over = u256_mul_overflow(&gpb, &fee, &rhs);
        if (lhs_over || (!rhs_over && u256_lt(&rhs, &lhs))) {
            unsigned __int128 add = (unsigned __int128)pu * (fp->max_blobs - fp->target_blobs) / fp->max_blobs;
            unsigned __int128 r = pe + add;
            return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
        }
    }
    unsigned __int128 r = sum - target;
    return r > UINT64_MAX ? UINT64_MAX : (uint64_t)r;
}

header_error validate_header(const header *h, const header *parent, const fork_params *fp)
{
    if (memcmp(h->parent_hash, parent->hash, 32) != 0)
        return HDR_PARENT_HASH;
    if (h->gas_used > h->gas_limit)
        return HDR_GAS_USED_OVER_LIMIT;
    uint64_t max_delta = parent->gas_limit / GAS_LIMIT_ADJUSTMENT_FACTOR;
    if ((unsigned __int128)h->gas_limit >= (unsigned __int128)parent->gas_limit + max_delta ||
        h->gas_limit <= parent->gas_limit - max_delta)
        return HDR_GAS_LIMIT_CHANGE;
    if (h->gas_limit < GAS_LIMIT_MINIMUM)
        return HDR_GAS_LIMIT_MINIMUM;
    u256 bf = expected_base_fee(parent);
    if (!u256_eq(&bf, &h->base_fee))
        return HDR_BASE_FEE;
    if (h->timestamp <= parent->timestamp)
        return HDR_TIMESTAMP;
    if (parent->number == UINT64_MAX || h->number != parent->number + 1)
        return HDR_NUMBER;
    if (!fp->cancun)
        return HDR_OK; /* no blob gas fields before EIP-4844 */
    if (h->blob_gas_used > fp->max_blobs * GAS_PER_BLOB || h->blob_gas_used % GAS_PER_BLOB != 0)
        return HDR_BLOB_GAS_USED;
    if (h->excess_blob_gas != expected_excess_blob_gas(parent, fp))
        return HDR_EXCESS_BLOB_GAS;
    return HDR_OK;
}
