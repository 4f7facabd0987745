using System.Runtime.CompilerServices;

namespace Prover.Core.Field;

/// <summary>x^4 = 3 over KoalaBear (Plonky3's quartic extension; 3 is a non-square, so x^4 − 3 is irreducible).</summary>
[InlineArray(4)]
public struct KoalaBearQuartic : IExtensionDefinition<MontyField31<KoalaBearParameters>, KoalaBearQuartic>
{
    private MontyField31<KoalaBearParameters> _c0;

    private static readonly MontyField31<KoalaBearParameters> s_w = MontyField31<KoalaBearParameters>.FromCanonical(3);
    private static readonly MontyField31<KoalaBearParameters>[] s_tail = [s_w, default, default, default];

    public static int Degree => 4;
    public static bool IsBinomial => true;
    public static MontyField31<KoalaBearParameters> W => s_w;
    public static ReadOnlySpan<MontyField31<KoalaBearParameters>> ModulusTail => s_tail;
    public static string Name => "KoalaBear^4 (x^4 - 3)";
}

/// <summary>
/// x^5 = 1 − x^2 over KoalaBear (the trinomial x^5 + x^2 − 1; 5 ∤ p − 1 so no binomial quintic
/// exists). Irreducibility is checked by Rabin's test in the field tests.
/// </summary>
[InlineArray(5)]
public struct KoalaBearQuintic : IExtensionDefinition<MontyField31<KoalaBearParameters>, KoalaBearQuintic>
{
    private MontyField31<KoalaBearParameters> _c0;

    private static readonly MontyField31<KoalaBearParameters>[] s_tail =
        [MontyField31<KoalaBearParameters>.One, default, -MontyField31<KoalaBearParameters>.One, default, default];

    public static int Degree => 5;
    public static bool IsBinomial => false;
    public static MontyField31<KoalaBearParameters> W => default;
    public static ReadOnlySpan<MontyField31<KoalaBearParameters>> ModulusTail => s_tail;
    public static string Name => "KoalaBear^5 (x^5 + x^2 - 1)";
}

/// <summary>x^4 = 11 over BabyBear (Plonky3's quartic extension).</summary>
[InlineArray(4)]
public struct BabyBearQuartic : IExtensionDefinition<MontyField31<BabyBearParameters>, BabyBearQuartic>
{
    private MontyField31<BabyBearParameters> _c0;

    private static readonly MontyField31<BabyBearParameters> s_w = MontyField31<BabyBearParameters>.FromCanonical(11);
    private static readonly MontyField31<BabyBearParameters>[] s_tail = [s_w, default, default, default];

    public static int Degree => 4;
    public static bool IsBinomial => true;
    public static MontyField31<BabyBearParameters> W => s_w;
    public static ReadOnlySpan<MontyField31<BabyBearParameters>> ModulusTail => s_tail;
    public static string Name => "BabyBear^4 (x^4 - 11)";
}

/// <summary>x^5 = 2 over BabyBear (5 | p − 1 and 2 is not a fifth power, so x^5 − 2 is irreducible).</summary>
[InlineArray(5)]
public struct BabyBearQuintic : IExtensionDefinition<MontyField31<BabyBearParameters>, BabyBearQuintic>
{
    private MontyField31<BabyBearParameters> _c0;

    private static readonly MontyField31<BabyBearParameters> s_w = MontyField31<BabyBearParameters>.FromCanonical(2);
    private static readonly MontyField31<BabyBearParameters>[] s_tail = [s_w, default, default, default, default];

    public static int Degree => 5;
    public static bool IsBinomial => true;
    public static MontyField31<BabyBearParameters> W => s_w;
    public static ReadOnlySpan<MontyField31<BabyBearParameters>> ModulusTail => s_tail;
    public static string Name => "BabyBear^5 (x^5 - 2)";
}

/// <summary>
/// x^8 = 3 over KoalaBear. x^8 − a is irreducible iff a is not a square and a ∉ −4F^4 (Capelli);
/// 3 is a non-square and p ≡ 1 (mod 8) makes −4F^4 a set of squares. The 248-bit field is what
/// 128-bit provable security needs (see Security/SecurityCalculator and docs/design.md).
/// </summary>
[InlineArray(8)]
public struct KoalaBearOctic : IExtensionDefinition<MontyField31<KoalaBearParameters>, KoalaBearOctic>
{
    private MontyField31<KoalaBearParameters> _c0;

    private static readonly MontyField31<KoalaBearParameters> s_w = MontyField31<KoalaBearParameters>.FromCanonical(3);
    private static readonly MontyField31<KoalaBearParameters>[] s_tail = [s_w, default, default, default, default, default, default, default];

    public static int Degree => 8;
    public static bool IsBinomial => true;
    public static MontyField31<KoalaBearParameters> W => s_w;
    public static ReadOnlySpan<MontyField31<KoalaBearParameters>> ModulusTail => s_tail;
    public static string Name => "KoalaBear^8 (x^8 - 3)";
}

/// <summary>x^8 = 11 over BabyBear (11 is a non-square; p ≡ 1 mod 8, so irreducible as for KoalaBear^8).</summary>
[InlineArray(8)]
public struct BabyBearOctic : IExtensionDefinition<MontyField31<BabyBearParameters>, BabyBearOctic>
{
    private MontyField31<BabyBearParameters> _c0;

    private static readonly MontyField31<BabyBearParameters> s_w = MontyField31<BabyBearParameters>.FromCanonical(11);
    private static readonly MontyField31<BabyBearParameters>[] s_tail = [s_w, default, default, default, default, default, default, default];

    public static int Degree => 8;
    public static bool IsBinomial => true;
    public static MontyField31<BabyBearParameters> W => s_w;
    public static ReadOnlySpan<MontyField31<BabyBearParameters>> ModulusTail => s_tail;
    public static string Name => "BabyBear^8 (x^8 - 11)";
}
