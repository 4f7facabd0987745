/* Batched radix-2 NTT building blocks over the columns of a row-major matrix (row r, column c at
 * data[r·width + c]). One work item per (butterfly, column): level passes over global memory, the
 * simplest form that is correct for every size; see docs/design.md ("GPU") for the plan to fuse
 * levels in local memory. Twiddles: tw[i] = ω^i for i < 2^(L−1), ω a primitive 2^L-th root; level
 * j (half-size m = 2^j) of a transform uses ω_{2m}^k = tw[k << (L − 1 − j)]. */

/* dst row r = src row bitrev(r) (out of place). total = rows·width. */
KERNEL void bitrev_rows(GLOBAL const uint32* src, GLOBAL uint32* dst, uint32 width, uint32 log_rows, uint32 total)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= total)
        return;
    uint32 row = gid / width;
    uint32 col = gid - row * width;
    dst[gid] = src[bit_reverse(row, log_rows) * width + col];
}

/* dst[offset + i] = 0 for i < count. */
KERNEL void fill_zero(GLOBAL uint32* dst, uint32 offset, uint32 count)
{
    uint32 gid = GLOBAL_ID();
    if (gid < count)
        dst[offset + gid] = 0u;
}

/* data[r·width + c] *= factors[r] for the first total/width rows. */
KERNEL void scale_rows(GLOBAL uint32* data, GLOBAL const uint32* factors, uint32 width, uint32 total)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= total)
        return;
    data[gid] = f_mul(data[gid], factors[gid / width]);
}

/* One decimation-in-time level (bit-reversed → natural when run for j = 0 .. log−1):
 * (x, y) ← (x + w·y, x − w·y). total = (rows/2)·width. */
KERNEL void ntt_dit_level(GLOBAL uint32* data, GLOBAL const uint32* tw, uint32 width, uint32 j, uint32 tw_shift, uint32 total)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= total)
        return;
    uint32 t = gid / width;
    uint32 c = gid - t * width;
    uint32 m = 1u << j;
    uint32 k = t & (m - 1u);
    uint32 a = (((t >> j) << (j + 1u)) + k) * width + c;
    uint32 b = a + m * width;
    uint32 x = data[a];
    uint32 y = f_mul(data[b], tw[k << tw_shift]);
    data[a] = f_add(x, y);
    data[b] = f_sub(x, y);
}

/* One decimation-in-frequency level (natural → bit-reversed when run for j = log−1 .. 0):
 * (x, y) ← (x + y, (x − y)·w). */
KERNEL void ntt_dif_level(GLOBAL uint32* data, GLOBAL const uint32* tw, uint32 width, uint32 j, uint32 tw_shift, uint32 total)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= total)
        return;
    uint32 t = gid / width;
    uint32 c = gid - t * width;
    uint32 m = 1u << j;
    uint32 k = t & (m - 1u);
    uint32 a = (((t >> j) << (j + 1u)) + k) * width + c;
    uint32 b = a + m * width;
    uint32 x = data[a];
    uint32 y = data[b];
    data[a] = f_add(x, y);
    data[b] = f_mul(f_sub(x, y), tw[k << tw_shift]);
}
