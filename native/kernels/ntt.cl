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

/* The levels j < levels (levels ≤ NTT_BLOCK_LOG) of a transform touch only blocks of 2^levels
 * consecutive rows, so they run in local memory: one work-group per (block, column) loads the block's
 * column, runs every such level with a barrier between levels and writes it back once. The launch
 * has exactly groups·LOCAL_SIZE() work items (no partial group), so every item reaches every barrier;
 * any group size works (items stride by it).
 * DIT runs j = 0 .. levels−1 (the first levels), DIF j = levels−1 .. 0 (the last ones). */
#define NTT_BLOCK_LOG 9

DEVICE_FN void ntt_block_butterflies(LOCAL_PTR uint32* buf, GLOBAL const uint32* tw, uint32 lid, uint32 stride, uint32 pairs,
    uint32 j, uint32 table_log, uint32 dit)
{
    uint32 m = 1u << j;
    for (uint32 t = lid; t < pairs; t += stride)
    {
        uint32 k = t & (m - 1u);
        uint32 a = ((t >> j) << (j + 1u)) + k;
        uint32 b = a + m;
        uint32 w = tw[k << (table_log - 1u - j)];
        uint32 x = buf[a];
        uint32 y = buf[b];
        if (dit)
        {
            y = f_mul(y, w);
            buf[a] = f_add(x, y);
            buf[b] = f_sub(x, y);
        }
        else
        {
            buf[a] = f_add(x, y);
            buf[b] = f_mul(f_sub(x, y), w);
        }
    }
}

KERNEL void ntt_block(GLOBAL uint32* data, GLOBAL const uint32* tw, uint32 width, uint32 levels, uint32 table_log, uint32 dit)
{
    LOCAL uint32 buf[1u << NTT_BLOCK_LOG];
    uint32 group = GROUP_ID();
    uint32 lid = LOCAL_ID();
    uint32 stride = LOCAL_SIZE();
    uint32 block = group / width;
    uint32 col = group - block * width;
    uint32 rows = 1u << levels;
    uint32 pairs = rows >> 1;
    uint32 base = block * rows;
    for (uint32 i = lid; i < rows; i += stride)
        buf[i] = data[(base + i) * width + col];
    BARRIER();
    for (uint32 s = 0; s < levels; s++)
    {
        ntt_block_butterflies(buf, tw, lid, stride, pairs, dit ? s : levels - 1u - s, table_log, dit);
        BARRIER();
    }
    for (uint32 i = lid; i < rows; i += stride)
        data[(base + i) * width + col] = buf[i];
}
