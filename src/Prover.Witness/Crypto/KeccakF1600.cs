using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prover.Witness.Crypto;

/// <summary>The Keccak-f[1600] permutation (FIPS 202, section 3; the Keccak reference, "Keccak-f").</summary>
/// <remarks>
/// <para>The 25 lanes live in locals named <c>aXY</c> (lane x + 5y). Each round is written out in
/// full and computed plane by plane: θ's column parities C and offsets D first, then for each
/// output row Y the five lanes that ρ and π bring into it (B[X, Y] = rot(A[x, y] ⊕ D[x], r[x, y])
/// with X = y, Y = 2x + 3y), and at once χ and ι on that row. Only five B values are live at a
/// time, which keeps register pressure (and spills) lower than computing all 25 B first: measured
/// about 19% faster per permutation on the development VMs (docs/benchmarks.md). Two rounds per
/// iteration (A → E, then E → A) avoid copying the state between rounds.</para>
/// <para>The round body was produced by a small script from the definitions: ρ offsets r[x, y] are
/// the triangular numbers (t + 1)(t + 2)/2 mod 64 along the orbit (x, y) → (y, 2x + 3y); the round
/// constants come from the degree-8 LFSR of the specification and
/// <c>KeccakTests.RoundConstants_MatchTheLfsr</c> recomputes them; the whole permutation is checked
/// against the platform's SHA3-256. Single-stream Keccak has little data parallelism beyond one
/// lane operation per step, so this scalar form is the one used (see docs/design.md).</para>
/// </remarks>
internal static class KeccakF1600
{
    public const int Lanes = 25;

    /// <summary>ι round constants RC[i], i = 0..23.</summary>
    internal static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808AUL, 0x8000000080008000UL,
        0x000000000000808BUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008AUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000AUL,
        0x000000008000808BUL, 0x800000000000008BUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800AUL, 0x800000008000000AUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>Applies the 24 rounds in place.</summary>
    [SkipLocalsInit]
    public static void Permute(ref KeccakState state)
    {
        ulong a00 = state[0];
        ulong a10 = state[1];
        ulong a20 = state[2];
        ulong a30 = state[3];
        ulong a40 = state[4];
        ulong a01 = state[5];
        ulong a11 = state[6];
        ulong a21 = state[7];
        ulong a31 = state[8];
        ulong a41 = state[9];
        ulong a02 = state[10];
        ulong a12 = state[11];
        ulong a22 = state[12];
        ulong a32 = state[13];
        ulong a42 = state[14];
        ulong a03 = state[15];
        ulong a13 = state[16];
        ulong a23 = state[17];
        ulong a33 = state[18];
        ulong a43 = state[19];
        ulong a04 = state[20];
        ulong a14 = state[21];
        ulong a24 = state[22];
        ulong a34 = state[23];
        ulong a44 = state[24];
        ulong e00, e10, e20, e30, e40, e01, e11, e21, e31, e41, e02, e12, e22, e32, e42, e03, e13, e23, e33, e43, e04, e14, e24, e34, e44;
        ulong c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, b0, b1, b2, b3, b4;

        // The loop bound guarantees round + 1 < 24: read the constants without range checks.
        ref ulong constants = ref MemoryMarshal.GetReference(RoundConstants);
        for (int round = 0; round < 24; round += 2)
        {
            // Round 2i: A → E.
            c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04;
            c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14;
            c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24;
            c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34;
            c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44;
            d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            b0 = a00 ^ d0;
            b1 = BitOperations.RotateLeft(a11 ^ d1, 44);
            b2 = BitOperations.RotateLeft(a22 ^ d2, 43);
            b3 = BitOperations.RotateLeft(a33 ^ d3, 21);
            b4 = BitOperations.RotateLeft(a44 ^ d4, 14);
            e00 = b0 ^ (~b1 & b2) ^ Unsafe.Add(ref constants, round);
            e10 = b1 ^ (~b2 & b3);
            e20 = b2 ^ (~b3 & b4);
            e30 = b3 ^ (~b4 & b0);
            e40 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a30 ^ d3, 28);
            b1 = BitOperations.RotateLeft(a41 ^ d4, 20);
            b2 = BitOperations.RotateLeft(a02 ^ d0, 3);
            b3 = BitOperations.RotateLeft(a13 ^ d1, 45);
            b4 = BitOperations.RotateLeft(a24 ^ d2, 61);
            e01 = b0 ^ (~b1 & b2);
            e11 = b1 ^ (~b2 & b3);
            e21 = b2 ^ (~b3 & b4);
            e31 = b3 ^ (~b4 & b0);
            e41 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a10 ^ d1, 1);
            b1 = BitOperations.RotateLeft(a21 ^ d2, 6);
            b2 = BitOperations.RotateLeft(a32 ^ d3, 25);
            b3 = BitOperations.RotateLeft(a43 ^ d4, 8);
            b4 = BitOperations.RotateLeft(a04 ^ d0, 18);
            e02 = b0 ^ (~b1 & b2);
            e12 = b1 ^ (~b2 & b3);
            e22 = b2 ^ (~b3 & b4);
            e32 = b3 ^ (~b4 & b0);
            e42 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a40 ^ d4, 27);
            b1 = BitOperations.RotateLeft(a01 ^ d0, 36);
            b2 = BitOperations.RotateLeft(a12 ^ d1, 10);
            b3 = BitOperations.RotateLeft(a23 ^ d2, 15);
            b4 = BitOperations.RotateLeft(a34 ^ d3, 56);
            e03 = b0 ^ (~b1 & b2);
            e13 = b1 ^ (~b2 & b3);
            e23 = b2 ^ (~b3 & b4);
            e33 = b3 ^ (~b4 & b0);
            e43 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a20 ^ d2, 62);
            b1 = BitOperations.RotateLeft(a31 ^ d3, 55);
            b2 = BitOperations.RotateLeft(a42 ^ d4, 39);
            b3 = BitOperations.RotateLeft(a03 ^ d0, 41);
            b4 = BitOperations.RotateLeft(a14 ^ d1, 2);
            e04 = b0 ^ (~b1 & b2);
            e14 = b1 ^ (~b2 & b3);
            e24 = b2 ^ (~b3 & b4);
            e34 = b3 ^ (~b4 & b0);
            e44 = b4 ^ (~b0 & b1);

            // Round 2i + 1: E → A.
            c0 = e00 ^ e01 ^ e02 ^ e03 ^ e04;
            c1 = e10 ^ e11 ^ e12 ^ e13 ^ e14;
            c2 = e20 ^ e21 ^ e22 ^ e23 ^ e24;
            c3 = e30 ^ e31 ^ e32 ^ e33 ^ e34;
            c4 = e40 ^ e41 ^ e42 ^ e43 ^ e44;
            d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            b0 = e00 ^ d0;
            b1 = BitOperations.RotateLeft(e11 ^ d1, 44);
            b2 = BitOperations.RotateLeft(e22 ^ d2, 43);
            b3 = BitOperations.RotateLeft(e33 ^ d3, 21);
            b4 = BitOperations.RotateLeft(e44 ^ d4, 14);
            a00 = b0 ^ (~b1 & b2) ^ Unsafe.Add(ref constants, round + 1);
            a10 = b1 ^ (~b2 & b3);
            a20 = b2 ^ (~b3 & b4);
            a30 = b3 ^ (~b4 & b0);
            a40 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e30 ^ d3, 28);
            b1 = BitOperations.RotateLeft(e41 ^ d4, 20);
            b2 = BitOperations.RotateLeft(e02 ^ d0, 3);
            b3 = BitOperations.RotateLeft(e13 ^ d1, 45);
            b4 = BitOperations.RotateLeft(e24 ^ d2, 61);
            a01 = b0 ^ (~b1 & b2);
            a11 = b1 ^ (~b2 & b3);
            a21 = b2 ^ (~b3 & b4);
            a31 = b3 ^ (~b4 & b0);
            a41 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e10 ^ d1, 1);
            b1 = BitOperations.RotateLeft(e21 ^ d2, 6);
            b2 = BitOperations.RotateLeft(e32 ^ d3, 25);
            b3 = BitOperations.RotateLeft(e43 ^ d4, 8);
            b4 = BitOperations.RotateLeft(e04 ^ d0, 18);
            a02 = b0 ^ (~b1 & b2);
            a12 = b1 ^ (~b2 & b3);
            a22 = b2 ^ (~b3 & b4);
            a32 = b3 ^ (~b4 & b0);
            a42 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e40 ^ d4, 27);
            b1 = BitOperations.RotateLeft(e01 ^ d0, 36);
            b2 = BitOperations.RotateLeft(e12 ^ d1, 10);
            b3 = BitOperations.RotateLeft(e23 ^ d2, 15);
            b4 = BitOperations.RotateLeft(e34 ^ d3, 56);
            a03 = b0 ^ (~b1 & b2);
            a13 = b1 ^ (~b2 & b3);
            a23 = b2 ^ (~b3 & b4);
            a33 = b3 ^ (~b4 & b0);
            a43 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e20 ^ d2, 62);
            b1 = BitOperations.RotateLeft(e31 ^ d3, 55);
            b2 = BitOperations.RotateLeft(e42 ^ d4, 39);
            b3 = BitOperations.RotateLeft(e03 ^ d0, 41);
            b4 = BitOperations.RotateLeft(e14 ^ d1, 2);
            a04 = b0 ^ (~b1 & b2);
            a14 = b1 ^ (~b2 & b3);
            a24 = b2 ^ (~b3 & b4);
            a34 = b3 ^ (~b4 & b0);
            a44 = b4 ^ (~b0 & b1);

        }

        state[0] = a00;
        state[1] = a10;
        state[2] = a20;
        state[3] = a30;
        state[4] = a40;
        state[5] = a01;
        state[6] = a11;
        state[7] = a21;
        state[8] = a31;
        state[9] = a41;
        state[10] = a02;
        state[11] = a12;
        state[12] = a22;
        state[13] = a32;
        state[14] = a42;
        state[15] = a03;
        state[16] = a13;
        state[17] = a23;
        state[18] = a33;
        state[19] = a43;
        state[20] = a04;
        state[21] = a14;
        state[22] = a24;
        state[23] = a34;
        state[24] = a44;
    }
}

/// <summary>The 1600-bit Keccak state as 25 little-endian lanes, lane (x, y) at index x + 5y.</summary>
[InlineArray(KeccakF1600.Lanes)]
internal struct KeccakState
{
    private ulong _lane0;
}
