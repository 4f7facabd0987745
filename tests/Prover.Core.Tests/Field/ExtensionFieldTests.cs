using Prover.Core.Field;

namespace Prover.Core.Tests.Field;

public abstract class ExtensionFieldConformanceTests<TBase, TDef>
    where TBase : struct, IPrimeField31<TBase>
    where TDef : struct, IExtensionDefinition<TBase, TDef>
{
    protected const int Seed = 7;

    protected static ExtensionField<TBase, TDef> Random(Random rng)
    {
        var c = new TBase[TDef.Degree];
        for (int i = 0; i < c.Length; i++)
            c[i] = TBase.FromUInt64((ulong)rng.NextInt64(TBase.Modulus));
        return ExtensionField<TBase, TDef>.FromCoefficients(c);
    }

    [Fact]
    public void Ring_axioms_hold_on_random_elements()
    {
        var rng = new Random(Seed);
        for (int t = 0; t < 200; t++)
        {
            var a = Random(rng);
            var b = Random(rng);
            var c = Random(rng);
            Assert.Equal(a * b, b * a);
            Assert.Equal((a * b) * c, a * (b * c));
            Assert.Equal(a * (b + c), a * b + a * c);
            Assert.Equal(a, a + b - b);
            Assert.Equal(ExtensionField<TBase, TDef>.Zero, a + (-a));
            var s = TBase.FromUInt64((ulong)rng.NextInt64(TBase.Modulus));
            Assert.Equal(a * ExtensionField<TBase, TDef>.FromBase(s), a * s);
        }
    }

    [Fact]
    public void Fast_multiplication_matches_the_schoolbook_reference()
    {
        var rng = new Random(Seed + 2);
        var max = ExtensionField<TBase, TDef>.FromCoefficients(Enumerable.Repeat(TBase.FromUInt64(TBase.Modulus - 1), TDef.Degree).ToArray());
        Assert.Equal(ExtensionField<TBase, TDef>.MultiplySchoolbook(max, max), max * max);
        for (int t = 0; t < 300; t++)
        {
            var a = Random(rng);
            var b = Random(rng);
            Assert.Equal(ExtensionField<TBase, TDef>.MultiplySchoolbook(a, b), a * b);
        }
    }

    [Fact]
    public void Inverse_is_multiplicative_inverse()
    {
        var rng = new Random(Seed + 1);
        for (int t = 0; t < 100; t++)
        {
            var a = Random(rng);
            if (a.IsZero) continue;
            Assert.Equal(ExtensionField<TBase, TDef>.One, a * a.Inverse());
        }
        Assert.Throws<DivideByZeroException>(() => ExtensionField<TBase, TDef>.Zero.Inverse());
    }

    [Fact]
    public void Modulus_is_irreducible_by_Rabin_test()
    {
        // f of degree n is irreducible iff x^(p^n) ≡ x (mod f) and gcd(x^(p^(n/q)) − x, f) = 1 for every prime q | n.
        // In the quotient ring, "x^(p^k) − x" is the element X^(p^k) − X; gcd with f is 1 iff that element is a unit.
        int n = TDef.Degree;
        var x = ExtensionField<TBase, TDef>.X;
        ExtensionField<TBase, TDef> Frob(ExtensionField<TBase, TDef> e, int k)
        {
            for (int i = 0; i < k; i++) e = e.Pow(TBase.Modulus);
            return e;
        }
        Assert.Equal(x, Frob(x, n));
        foreach (int q in new[] { 2, 3, 5, 7 }.Where(q => n % q == 0))
        {
            var d = Frob(x, n / q) - x;
            Assert.True(IsUnit(d), $"x^(p^{n / q}) - x shares a factor with the modulus");
        }
    }

    /// <summary>Unit test by the determinant of the multiplication matrix, independent of Inverse().</summary>
    private static bool IsUnit(ExtensionField<TBase, TDef> a)
    {
        int n = TDef.Degree;
        var m = new TBase[n, n];
        var col = a;
        for (int j = 0; j < n; j++)
        {
            for (int r = 0; r < n; r++) m[r, j] = col[r];
            col *= ExtensionField<TBase, TDef>.X;
        }
        for (int p = 0; p < n; p++)
        {
            int piv = p;
            while (piv < n && m[piv, p].IsZero) piv++;
            if (piv == n) return false;
            for (int c = 0; c < n; c++) (m[p, c], m[piv, c]) = (m[piv, c], m[p, c]);
            var inv = m[p, p].Inverse();
            for (int r = p + 1; r < n; r++)
            {
                var f = m[r, p] * inv;
                for (int c = p; c < n; c++) m[r, c] -= f * m[p, c];
            }
        }
        return true;
    }
}

public sealed class KoalaBearQuarticTests : ExtensionFieldConformanceTests<KoalaBear, KoalaBearQuartic>
{
    [SharedFact]
    public void Multiply_matches_vector()
    {
        var v = SharedData.Vectors("koalabear").GetProperty("field");
        Assert.Equal(3u, v.GetProperty("extension_degree4_binomial_W").GetUInt32());
        var a = KoalaBearExt4.FromCoefficients([KoalaBear.FromCanonical(1), KoalaBear.FromCanonical(2), KoalaBear.FromCanonical(3), KoalaBear.FromCanonical(4)]);
        var b = KoalaBearExt4.FromCoefficients([KoalaBear.FromCanonical(5), KoalaBear.FromCanonical(6), KoalaBear.FromCanonical(7), KoalaBear.FromCanonical(8)]);
        Assert.Equal(v.GetProperty("ext4_mul_[1,2,3,4]x[5,6,7,8]").U32Array(), (a * b).Coefficients.ToArray().Select(c => c.ToCanonical()));
    }
}

public sealed class BabyBearQuarticTests : ExtensionFieldConformanceTests<BabyBear, BabyBearQuartic>
{
    [SharedFact]
    public void Multiply_matches_vector()
    {
        var v = SharedData.Vectors("babybear").GetProperty("field");
        Assert.Equal(11u, v.GetProperty("extension_degree4_binomial_W").GetUInt32());
        var a = BabyBearExt4.FromCoefficients([BabyBear.FromCanonical(1), BabyBear.FromCanonical(2), BabyBear.FromCanonical(3), BabyBear.FromCanonical(4)]);
        var b = BabyBearExt4.FromCoefficients([BabyBear.FromCanonical(5), BabyBear.FromCanonical(6), BabyBear.FromCanonical(7), BabyBear.FromCanonical(8)]);
        Assert.Equal(v.GetProperty("ext4_mul_[1,2,3,4]x[5,6,7,8]").U32Array(), (a * b).Coefficients.ToArray().Select(c => c.ToCanonical()));
    }
}

public sealed class KoalaBearQuinticTests : ExtensionFieldConformanceTests<KoalaBear, KoalaBearQuintic>;

public sealed class BabyBearQuinticTests : ExtensionFieldConformanceTests<BabyBear, BabyBearQuintic>;

public sealed class KoalaBearOcticTests : ExtensionFieldConformanceTests<KoalaBear, KoalaBearOctic>;

public sealed class BabyBearOcticTests : ExtensionFieldConformanceTests<BabyBear, BabyBearOctic>;
