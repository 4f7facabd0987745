/* Poseidon2 width 16 (Plonky3 layout, as src/Prover.Core/Hash/Poseidon2.cs), the padding-free
 * overwrite sponge of rate 8 and the truncated-permutation compression used by the Merkle MMCS.
 * Needs SBOX_DEGREE (3 or 7) and PARTIAL_ROUNDS. Round constants come in one buffer of Montgomery
 * words: 4·16 initial, 4·16 final, PARTIAL_ROUNDS internal, then the 16 internal diagonal entries. */

#define P2_WIDTH 16
#define P2_RATE 8
#define RC_FINAL 64
#define RC_INTERNAL 128
#define RC_DIAG (128 + PARTIAL_ROUNDS)

DEVICE_FN uint32 p2_sbox(uint32 x)
{
    uint32 x2 = f_mul(x, x);
#if SBOX_DEGREE == 3
    return f_mul(x2, x);
#elif SBOX_DEGREE == 7
    uint32 x3 = f_mul(x2, x);
    uint32 x4 = f_mul(x2, x2);
    return f_mul(x3, x4);
#else
#error "unsupported S-box degree"
#endif
}

/* M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] on s[o..o+4). */
DEVICE_FN void p2_m4(uint32* s, uint32 o)
{
    uint32 a = s[o], b = s[o + 1], c = s[o + 2], d = s[o + 3];
    uint32 t01 = f_add(a, b);
    uint32 t23 = f_add(c, d);
    uint32 t0123 = f_add(t01, t23);
    uint32 t01123 = f_add(t0123, b);
    uint32 t01233 = f_add(t0123, d);
    s[o] = f_add(t01123, t01);
    s[o + 1] = f_add(t01123, f_add(c, c));
    s[o + 2] = f_add(t01233, t23);
    s[o + 3] = f_add(t01233, f_add(a, a));
}

/* MLight: M4 on each chunk, then add the column sums over chunks. */
DEVICE_FN void p2_external(uint32* s)
{
    for (uint32 c = 0; c < P2_WIDTH; c += 4)
        p2_m4(s, c);
    uint32 c0 = s[0], c1 = s[1], c2 = s[2], c3 = s[3];
    for (uint32 c = 4; c < P2_WIDTH; c += 4)
    {
        c0 = f_add(c0, s[c]);
        c1 = f_add(c1, s[c + 1]);
        c2 = f_add(c2, s[c + 2]);
        c3 = f_add(c3, s[c + 3]);
    }
    for (uint32 c = 0; c < P2_WIDTH; c += 4)
    {
        s[c] = f_add(s[c], c0);
        s[c + 1] = f_add(s[c + 1], c1);
        s[c + 2] = f_add(s[c + 2], c2);
        s[c + 3] = f_add(s[c + 3], c3);
    }
}

DEVICE_FN void p2_full_rounds(uint32* s, GLOBAL const uint32* rc)
{
    for (uint32 r = 0; r < 4; r++)
    {
        for (uint32 i = 0; i < P2_WIDTH; i++)
            s[i] = p2_sbox(f_add(s[i], rc[r * P2_WIDTH + i]));
        p2_external(s);
    }
}

DEVICE_FN void p2_permute(uint32* s, GLOBAL const uint32* rc)
{
    p2_external(s);
    p2_full_rounds(s, rc);
    for (uint32 r = 0; r < PARTIAL_ROUNDS; r++)
    {
        s[0] = p2_sbox(f_add(s[0], rc[RC_INTERNAL + r]));
        uint32 sum = 0;
        for (uint32 i = 0; i < P2_WIDTH; i++)
            sum = f_add(sum, s[i]);
        for (uint32 i = 0; i < P2_WIDTH; i++)
            s[i] = f_add(sum, f_mul(rc[RC_DIAG + i], s[i]));
    }
    p2_full_rounds(s, rc + RC_FINAL);
}

/* Permutes count states of 16 words in place (test hook and building block). */
KERNEL void poseidon2_permute(GLOBAL uint32* states, GLOBAL const uint32* rc, uint32 count)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= count)
        return;
    uint32 s[P2_WIDTH];
    for (uint32 i = 0; i < P2_WIDTH; i++)
        s[i] = states[gid * P2_WIDTH + i];
    p2_permute(s, rc);
    for (uint32 i = 0; i < P2_WIDTH; i++)
        states[gid * P2_WIDTH + i] = s[i];
}

KERNEL void sponge_init(GLOBAL uint32* states, uint32 total)
{
    uint32 gid = GLOBAL_ID();
    if (gid < total)
        states[gid] = 0u;
}

/* Streams row `gid` of a row-major matrix of `width` columns into sponge state gid. pos is the
 * number of words already written into the current rate chunk (the same for every row, since all
 * rows of a group have the same widths): overwrite mode, permute whenever the chunk is full. */
KERNEL void sponge_absorb(GLOBAL uint32* states, GLOBAL const uint32* matrix, uint32 width, uint32 pos,
    GLOBAL const uint32* rc, uint32 count)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= count)
        return;
    uint32 s[P2_WIDTH];
    for (uint32 i = 0; i < P2_WIDTH; i++)
        s[i] = states[gid * P2_WIDTH + i];
    GLOBAL const uint32* row = matrix + gid * width;
    for (uint32 c = 0; c < width; c++)
    {
        s[pos++] = row[c];
        if (pos == P2_RATE)
        {
            p2_permute(s, rc);
            pos = 0;
        }
    }
    for (uint32 i = 0; i < P2_WIDTH; i++)
        states[gid * P2_WIDTH + i] = s[i];
}

/* Ends the sponge: a pending partial chunk is permuted; the digest is the first 8 words. */
KERNEL void sponge_finish(GLOBAL const uint32* states, GLOBAL uint32* digests, uint32 pos, GLOBAL const uint32* rc, uint32 count)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= count)
        return;
    uint32 s[P2_WIDTH];
    for (uint32 i = 0; i < P2_WIDTH; i++)
        s[i] = states[gid * P2_WIDTH + i];
    if (pos != 0u)
        p2_permute(s, rc);
    for (uint32 i = 0; i < P2_RATE; i++)
        digests[gid * P2_RATE + i] = s[i];
}

/* One Merkle layer: parents[i] = perm(children[2i] ‖ children[2i+1])[0..8]. */
KERNEL void compress_layer(GLOBAL const uint32* children, GLOBAL uint32* parents, GLOBAL const uint32* rc, uint32 count)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= count)
        return;
    uint32 s[P2_WIDTH];
    for (uint32 i = 0; i < P2_WIDTH; i++)
        s[i] = children[gid * P2_WIDTH + i];
    p2_permute(s, rc);
    for (uint32 i = 0; i < P2_RATE; i++)
        parents[gid * P2_RATE + i] = s[i];
}

/* Mixed-height injection: nodes[i] = perm(nodes[i] ‖ row_hashes[i])[0..8]. */
KERNEL void compress_inject(GLOBAL uint32* nodes, GLOBAL const uint32* row_hashes, GLOBAL const uint32* rc, uint32 count)
{
    uint32 gid = GLOBAL_ID();
    if (gid >= count)
        return;
    uint32 s[P2_WIDTH];
    for (uint32 i = 0; i < P2_RATE; i++)
    {
        s[i] = nodes[gid * P2_RATE + i];
        s[P2_RATE + i] = row_hashes[gid * P2_RATE + i];
    }
    p2_permute(s, rc);
    for (uint32 i = 0; i < P2_RATE; i++)
        nodes[gid * P2_RATE + i] = s[i];
}
