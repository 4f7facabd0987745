namespace Prover.Core.Field;

/// <summary>
/// Parameters of a 31-bit prime field in Montgomery form with R = 2^32. Implemented by empty structs
/// so that <see cref="MontyField31{TParams}"/> is specialised per field by the JIT.
/// </summary>
public interface IMontyParameters
{
    /// <summary>The prime p &lt; 2^31.</summary>
    static abstract uint P { get; }

    /// <summary>p^-1 mod 2^32 (used by Montgomery reduction).</summary>
    static abstract uint MontyMu { get; }

    /// <summary>R^2 mod p with R = 2^32 (converts canonical values into Montgomery form).</summary>
    static abstract uint MontyR2 { get; }

    /// <summary>Largest k with 2^k | p - 1.</summary>
    static abstract int TwoAdicity { get; }

    /// <summary>Canonical value of a generator of the multiplicative group.</summary>
    static abstract uint Generator { get; }

    /// <summary>Canonical value of a primitive 2^TwoAdicity-th root of unity (Plonky3's choice).</summary>
    static abstract uint TwoAdicRoot { get; }

    /// <summary>Field name for reports and proof headers.</summary>
    static abstract string Name { get; }
}

/// <summary>KoalaBear: p = 2^31 - 2^24 + 1 = 0x7f000001 (the project's default field).</summary>
public readonly struct KoalaBearParameters : IMontyParameters
{
    public static uint P => 0x7f00_0001;
    public static uint MontyMu => 0x8100_0001;
    public static uint MontyR2 => 402_124_772;
    public static int TwoAdicity => 24;
    public static uint Generator => 3;
    public static uint TwoAdicRoot => 1_791_270_792;
    public static string Name => "KoalaBear";
}

/// <summary>BabyBear: p = 2^31 - 2^27 + 1 = 0x78000001.</summary>
public readonly struct BabyBearParameters : IMontyParameters
{
    public static uint P => 0x7800_0001;
    public static uint MontyMu => 0x8800_0001;
    public static uint MontyR2 => 1_172_168_163;
    public static int TwoAdicity => 27;
    public static uint Generator => 31;
    public static uint TwoAdicRoot => 440_564_289;
    public static string Name => "BabyBear";
}
