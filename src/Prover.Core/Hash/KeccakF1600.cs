using System.Numerics;

namespace Prover.Core.Hash;

/// <summary>
/// Keccak-f[1600] (FIPS 202, section 3.3), written step by step from the definitions: the permutation the
/// KECCAK_PERMUTE syscall applies (<see cref="Machine.Syscall.KeccakPermute"/>) and the reference the keccak
/// chip's trace generator follows round by round (<c>Zkvm/Keccak</c>). Lane (x, y) is state[x + 5y], a
/// little-endian 64-bit word. Clarity over speed: the host's fast Keccak lives in Prover.Witness.
/// </summary>
public static class KeccakF1600
{
    public const int Lanes = 25;

    public const int Rounds = 24;

    /// <summary>ι round constants RC[i], i = 0..23.</summary>
    public static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808AUL, 0x8000000080008000UL,
        0x000000000000808BUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008AUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000AUL,
        0x000000008000808BUL, 0x800000000000008BUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800AUL, 0x800000008000000AUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>ρ rotation offsets r[x, y] at index x + 5y.</summary>
    public static ReadOnlySpan<int> RhoOffsets =>
    [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ];

    /// <summary>Lane index of (x, y), coordinates taken mod 5.</summary>
    public static int Lane(int x, int y) => ((x % 5 + 5) % 5) + 5 * ((y % 5 + 5) % 5);

    /// <summary>Applies the 24 rounds in place.</summary>
    public static void Permute(Span<ulong> state)
    {
        if (state.Length != Lanes)
            throw new ArgumentException($"a Keccak-f[1600] state has {Lanes} lanes", nameof(state));
        for (int round = 0; round < Rounds; round++)
            Round(state, round);
    }

    /// <summary>One round R = ι ∘ χ ∘ π ∘ ρ ∘ θ with round index <paramref name="round"/>, in place.</summary>
    public static void Round(Span<ulong> a, int round)
    {
        Span<ulong> c = stackalloc ulong[5];
        Span<ulong> b = stackalloc ulong[Lanes];
        for (int x = 0; x < 5; x++)
            c[x] = a[Lane(x, 0)] ^ a[Lane(x, 1)] ^ a[Lane(x, 2)] ^ a[Lane(x, 3)] ^ a[Lane(x, 4)];
        for (int x = 0; x < 5; x++)
        {
            // θ: D[x] = C[x − 1] ⊕ rot(C[x + 1], 1); ρ and π: B[y, 2x + 3y] = rot(A[x, y] ⊕ D[x], r[x, y]).
            ulong d = c[(x + 4) % 5] ^ BitOperations.RotateLeft(c[(x + 1) % 5], 1);
            for (int y = 0; y < 5; y++)
                b[Lane(y, 2 * x + 3 * y)] = BitOperations.RotateLeft(a[Lane(x, y)] ^ d, RhoOffsets[Lane(x, y)]);
        }
        // χ: A[x, y] = B[x, y] ⊕ (¬B[x + 1, y] ∧ B[x + 2, y]); ι on lane (0, 0).
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                a[Lane(x, y)] = b[Lane(x, y)] ^ (~b[Lane(x + 1, y)] & b[Lane(x + 2, y)]);
        a[0] ^= RoundConstants[round];
    }
}
