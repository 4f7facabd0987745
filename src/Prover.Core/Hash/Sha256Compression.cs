using System.Numerics;

namespace Prover.Core.Hash;

/// <summary>
/// The SHA-256 compression function (FIPS 180-4, sections 4.1.2, 4.2.2, 6.2.2), written step by step from the
/// definitions: the function the SHA256_COMPRESS syscall applies (<see cref="Machine.Syscall.Sha256Compress"/>) and the
/// reference the sha256 chip's trace generator follows round by round (<c>Zkvm/Sha256</c>). Words are the standard's
/// 32-bit words as numbers (the byte order of a message block is the caller's concern).
/// </summary>
public static class Sha256Compression
{
    public const int Rounds = 64;

    /// <summary>Words of the message schedule computed from a 16-word block.</summary>
    public const int ScheduleWords = 64;

    /// <summary>K_0 .. K_63 (FIPS 180-4 §4.2.2): the first 32 bits of the fractional parts of the cube roots of the first 64 primes.</summary>
    public static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>H^(0) (FIPS 180-4 §5.3.3).</summary>
    public static ReadOnlySpan<uint> InitialState =>
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

    public static uint BigSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);

    public static uint BigSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    public static uint SmallSigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);

    public static uint SmallSigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);

    public static uint Ch(uint e, uint f, uint g) => (e & f) ^ (~e & g);

    public static uint Maj(uint a, uint b, uint c) => (a & b) ^ (a & c) ^ (b & c);

    /// <summary>W_0 .. W_{n−1} of the schedule of a 16-word block (n ≥ 16): W_t = σ1(W_{t−2}) + W_{t−7} + σ0(W_{t−15}) + W_{t−16}.</summary>
    public static uint[] Schedule(ReadOnlySpan<uint> block, int n = ScheduleWords)
    {
        if (block.Length != 16)
            throw new ArgumentException("a block is 16 words", nameof(block));
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 16);
        var w = new uint[n];
        block.CopyTo(w);
        for (int t = 16; t < n; t++)
            w[t] = unchecked(SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16]);
        return w;
    }

    /// <summary>One round on the working variables (a, b, c, d, e, f, g, h) = v[0..7] with round constant k and schedule word w.</summary>
    public static void Round(Span<uint> v, uint k, uint w)
    {
        unchecked
        {
            uint t1 = v[7] + BigSigma1(v[4]) + Ch(v[4], v[5], v[6]) + k + w;
            uint t2 = BigSigma0(v[0]) + Maj(v[0], v[1], v[2]);
            v[7] = v[6];
            v[6] = v[5];
            v[5] = v[4];
            v[4] = v[3] + t1;
            v[3] = v[2];
            v[2] = v[1];
            v[1] = v[0];
            v[0] = t1 + t2;
        }
    }

    /// <summary>H := H + the 64 rounds applied to H under the schedule of <paramref name="block"/> (16 words).</summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<uint> block)
    {
        if (state.Length != 8)
            throw new ArgumentException("the state is 8 words", nameof(state));
        var w = Schedule(block);
        Span<uint> v = stackalloc uint[8];
        state.CopyTo(v);
        for (int t = 0; t < Rounds; t++)
            Round(v, K[t], w[t]);
        for (int i = 0; i < 8; i++)
            state[i] = unchecked(state[i] + v[i]);
    }
}
