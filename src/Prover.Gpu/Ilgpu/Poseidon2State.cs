using System.Runtime.CompilerServices;
using ILGPU;

namespace Prover.Gpu.Ilgpu;

/// <summary>What a Poseidon2-16 kernel needs besides its round constants: the field, R_P and the S-box degree.</summary>
public readonly struct Poseidon2Shape
{
    public Poseidon2Shape(MontyField field, int partialRounds, int sboxDegree)
    {
        Field = field;
        PartialRounds = partialRounds;
        SBoxDegree = sboxDegree;
    }

    public MontyField Field { get; }

    public int PartialRounds { get; }

    /// <summary>3 (KoalaBear) or 7 (BabyBear).</summary>
    public int SBoxDegree { get; }
}

/// <summary>
/// A Poseidon2 width-16 state held in 16 scalar fields, every loop over the state written out by hand:
/// ILGPU does not unroll loops over local arrays (the state would spill to local memory) and an
/// [InlineArray] state crashes its compiler. Same permutation as Prover.Core's Poseidon2 (Plonky3
/// layout) and native/kernels/poseidon2.cl. Round constants: one view of Montgomery words, 4·16
/// initial, 4·16 final, R_P partial, then the 16 internal diagonal entries.
/// </summary>
public struct Poseidon2State
{
    public const int Width = 16;
    public const int Rate = 8;
    private const int FinalOffset = 64;
    private const int PartialOffset = 128;

    public uint S0;
    public uint S1;
    public uint S2;
    public uint S3;
    public uint S4;
    public uint S5;
    public uint S6;
    public uint S7;
    public uint S8;
    public uint S9;
    public uint S10;
    public uint S11;
    public uint S12;
    public uint S13;
    public uint S14;
    public uint S15;

    /// <summary>Word i (0..15), for the sponge's data-dependent write position.</summary>
    public readonly uint Get(int i) => i switch
    {
            0 => S0,
            1 => S1,
            2 => S2,
            3 => S3,
            4 => S4,
            5 => S5,
            6 => S6,
            7 => S7,
            8 => S8,
            9 => S9,
            10 => S10,
            11 => S11,
            12 => S12,
            13 => S13,
            14 => S14,
            15 => S15,
            _ => 0u,
    };

    public void Set(int i, uint v)
    {
        switch (i)
        {
            case 0: S0 = v; break;
            case 1: S1 = v; break;
            case 2: S2 = v; break;
            case 3: S3 = v; break;
            case 4: S4 = v; break;
            case 5: S5 = v; break;
            case 6: S6 = v; break;
            case 7: S7 = v; break;
            case 8: S8 = v; break;
            case 9: S9 = v; break;
            case 10: S10 = v; break;
            case 11: S11 = v; break;
            case 12: S12 = v; break;
            case 13: S13 = v; break;
            case 14: S14 = v; break;
            case 15: S15 = v; break;
            default: break;
        }
    }

    public static Poseidon2State Load(ArrayView<uint> v, long o)
    {
        Poseidon2State s = default;
        s.S0 = v[o + 0];
        s.S1 = v[o + 1];
        s.S2 = v[o + 2];
        s.S3 = v[o + 3];
        s.S4 = v[o + 4];
        s.S5 = v[o + 5];
        s.S6 = v[o + 6];
        s.S7 = v[o + 7];
        s.S8 = v[o + 8];
        s.S9 = v[o + 9];
        s.S10 = v[o + 10];
        s.S11 = v[o + 11];
        s.S12 = v[o + 12];
        s.S13 = v[o + 13];
        s.S14 = v[o + 14];
        s.S15 = v[o + 15];
        return s;
    }

    /// <summary>Words 0..7 from lo[ol..], words 8..15 from hi[oh..] (two digests).</summary>
    public static Poseidon2State LoadHalves(ArrayView<uint> lo, long ol, ArrayView<uint> hi, long oh)
    {
        Poseidon2State s = default;
        s.S0 = lo[ol + 0];
        s.S1 = lo[ol + 1];
        s.S2 = lo[ol + 2];
        s.S3 = lo[ol + 3];
        s.S4 = lo[ol + 4];
        s.S5 = lo[ol + 5];
        s.S6 = lo[ol + 6];
        s.S7 = lo[ol + 7];
        s.S8 = hi[oh + 0];
        s.S9 = hi[oh + 1];
        s.S10 = hi[oh + 2];
        s.S11 = hi[oh + 3];
        s.S12 = hi[oh + 4];
        s.S13 = hi[oh + 5];
        s.S14 = hi[oh + 6];
        s.S15 = hi[oh + 7];
        return s;
    }

    public readonly void Store(ArrayView<uint> v, long o)
    {
        v[o + 0] = S0;
        v[o + 1] = S1;
        v[o + 2] = S2;
        v[o + 3] = S3;
        v[o + 4] = S4;
        v[o + 5] = S5;
        v[o + 6] = S6;
        v[o + 7] = S7;
        v[o + 8] = S8;
        v[o + 9] = S9;
        v[o + 10] = S10;
        v[o + 11] = S11;
        v[o + 12] = S12;
        v[o + 13] = S13;
        v[o + 14] = S14;
        v[o + 15] = S15;
    }

    /// <summary>Writes the first 8 words (a digest).</summary>
    public readonly void StoreRate(ArrayView<uint> v, long o)
    {
        v[o + 0] = S0;
        v[o + 1] = S1;
        v[o + 2] = S2;
        v[o + 3] = S3;
        v[o + 4] = S4;
        v[o + 5] = S5;
        v[o + 6] = S6;
        v[o + 7] = S7;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SBox(in Poseidon2Shape sh, uint x)
    {
        var f = sh.Field;
        uint x2 = f.Mul(x, x);
        uint x3 = f.Mul(x2, x);
        if (sh.SBoxDegree == 3)
            return x3;
        return f.Mul(x3, f.Mul(x2, x2)); // degree 7
    }

    /// <summary>M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void M4(in MontyField f, ref uint a, ref uint b, ref uint c, ref uint d)
    {
        uint t01 = f.Add(a, b);
        uint t23 = f.Add(c, d);
        uint t0123 = f.Add(t01, t23);
        uint t01123 = f.Add(t0123, b);
        uint t01233 = f.Add(t0123, d);
        uint a0 = a;
        a = f.Add(t01123, t01);
        b = f.Add(t01123, f.Add(c, c));
        c = f.Add(t01233, t23);
        d = f.Add(t01233, f.Add(a0, a0));
    }

    /// <summary>MLight: M4 on each 4-chunk, then each word plus the sum of its position over chunks.</summary>
    private void External(in MontyField f)
    {
        M4(f, ref S0, ref S1, ref S2, ref S3);
        M4(f, ref S4, ref S5, ref S6, ref S7);
        M4(f, ref S8, ref S9, ref S10, ref S11);
        M4(f, ref S12, ref S13, ref S14, ref S15);
        uint c0 = f.Add(f.Add(S0, S4), f.Add(S8, S12));
        uint c1 = f.Add(f.Add(S1, S5), f.Add(S9, S13));
        uint c2 = f.Add(f.Add(S2, S6), f.Add(S10, S14));
        uint c3 = f.Add(f.Add(S3, S7), f.Add(S11, S15));
        S0 = f.Add(S0, c0);
        S1 = f.Add(S1, c1);
        S2 = f.Add(S2, c2);
        S3 = f.Add(S3, c3);
        S4 = f.Add(S4, c0);
        S5 = f.Add(S5, c1);
        S6 = f.Add(S6, c2);
        S7 = f.Add(S7, c3);
        S8 = f.Add(S8, c0);
        S9 = f.Add(S9, c1);
        S10 = f.Add(S10, c2);
        S11 = f.Add(S11, c3);
        S12 = f.Add(S12, c0);
        S13 = f.Add(S13, c1);
        S14 = f.Add(S14, c2);
        S15 = f.Add(S15, c3);
    }

    private void FullRound(in Poseidon2Shape sh, ArrayView<uint> rc, int o)
    {
        var f = sh.Field;
        S0 = SBox(sh, f.Add(S0, rc[o + 0]));
        S1 = SBox(sh, f.Add(S1, rc[o + 1]));
        S2 = SBox(sh, f.Add(S2, rc[o + 2]));
        S3 = SBox(sh, f.Add(S3, rc[o + 3]));
        S4 = SBox(sh, f.Add(S4, rc[o + 4]));
        S5 = SBox(sh, f.Add(S5, rc[o + 5]));
        S6 = SBox(sh, f.Add(S6, rc[o + 6]));
        S7 = SBox(sh, f.Add(S7, rc[o + 7]));
        S8 = SBox(sh, f.Add(S8, rc[o + 8]));
        S9 = SBox(sh, f.Add(S9, rc[o + 9]));
        S10 = SBox(sh, f.Add(S10, rc[o + 10]));
        S11 = SBox(sh, f.Add(S11, rc[o + 11]));
        S12 = SBox(sh, f.Add(S12, rc[o + 12]));
        S13 = SBox(sh, f.Add(S13, rc[o + 13]));
        S14 = SBox(sh, f.Add(S14, rc[o + 14]));
        S15 = SBox(sh, f.Add(S15, rc[o + 15]));
        External(f);
    }

    private void PartialRound(in Poseidon2Shape sh, ArrayView<uint> rc, int r)
    {
        var f = sh.Field;
        S0 = SBox(sh, f.Add(S0, rc[PartialOffset + r]));
        uint sum = f.Add(S0, S1);
        sum = f.Add(sum, S2);
        sum = f.Add(sum, S3);
        sum = f.Add(sum, S4);
        sum = f.Add(sum, S5);
        sum = f.Add(sum, S6);
        sum = f.Add(sum, S7);
        sum = f.Add(sum, S8);
        sum = f.Add(sum, S9);
        sum = f.Add(sum, S10);
        sum = f.Add(sum, S11);
        sum = f.Add(sum, S12);
        sum = f.Add(sum, S13);
        sum = f.Add(sum, S14);
        sum = f.Add(sum, S15);
        int d = PartialOffset + sh.PartialRounds;
        S0 = f.Add(sum, f.Mul(rc[d + 0], S0));
        S1 = f.Add(sum, f.Mul(rc[d + 1], S1));
        S2 = f.Add(sum, f.Mul(rc[d + 2], S2));
        S3 = f.Add(sum, f.Mul(rc[d + 3], S3));
        S4 = f.Add(sum, f.Mul(rc[d + 4], S4));
        S5 = f.Add(sum, f.Mul(rc[d + 5], S5));
        S6 = f.Add(sum, f.Mul(rc[d + 6], S6));
        S7 = f.Add(sum, f.Mul(rc[d + 7], S7));
        S8 = f.Add(sum, f.Mul(rc[d + 8], S8));
        S9 = f.Add(sum, f.Mul(rc[d + 9], S9));
        S10 = f.Add(sum, f.Mul(rc[d + 10], S10));
        S11 = f.Add(sum, f.Mul(rc[d + 11], S11));
        S12 = f.Add(sum, f.Mul(rc[d + 12], S12));
        S13 = f.Add(sum, f.Mul(rc[d + 13], S13));
        S14 = f.Add(sum, f.Mul(rc[d + 14], S14));
        S15 = f.Add(sum, f.Mul(rc[d + 15], S15));
    }

    public void Permute(in Poseidon2Shape sh, ArrayView<uint> rc)
    {
        External(sh.Field);
        for (int r = 0; r < 4; r++)
            FullRound(sh, rc, r * Width);
        for (int r = 0; r < sh.PartialRounds; r++)
            PartialRound(sh, rc, r);
        for (int r = 0; r < 4; r++)
            FullRound(sh, rc, FinalOffset + r * Width);
    }
}
