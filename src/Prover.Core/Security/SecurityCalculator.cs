namespace Prover.Core.Security;

/// <summary>
/// What the soundness of a FRI-based multi-table STARK depends on. Sizes are those of the largest
/// table (errors grow with the domain) and totals over all tables (columns, constraints, batched
/// polynomials, bus fractions).
/// </summary>
public sealed record SecurityParameters
{
    /// <summary>The prime p of the base field.</summary>
    public required ulong FieldPrime { get; init; }

    /// <summary>Degree of the extension field the challenges live in.</summary>
    public required int ExtensionDegree { get; init; }

    /// <summary>log2 of the LDE blowup (rate ρ = 2^-LogBlowup).</summary>
    public required int LogBlowup { get; init; }

    public required int NumQueries { get; init; }

    /// <summary>Proof-of-work bits ground before the query phase.</summary>
    public int QueryPowBits { get; init; }

    /// <summary>Proof-of-work bits ground in each commit (folding) round.</summary>
    public int CommitPowBits { get; init; }

    /// <summary>log2 of the largest trace height.</summary>
    public required int LogTraceHeight { get; init; }

    /// <summary>Largest constraint degree (selectors counted as degree 1).</summary>
    public required int MaxConstraintDegree { get; init; }

    /// <summary>Committed columns (main, preprocessed, permutation, in base-field units).</summary>
    public required int NumColumns { get; init; }

    /// <summary>Constraints combined by the random linear combination.</summary>
    public int NumConstraints { get; init; }

    /// <summary>Polynomials batched into one FRI instance (columns plus quotient chunks).</summary>
    public required int BatchSize { get; init; }

    /// <summary>Distinct points each column is opened at (ζ and ζ·g: 2).</summary>
    public int OpeningPoints { get; init; } = 2;

    /// <summary>FRI folding arity (2 = halving each round).</summary>
    public int FoldingArity { get; init; } = 2;

    /// <summary>log2 of the final polynomial's length (FRI stops folding there).</summary>
    public int LogFinalPolyLength { get; init; }

    /// <summary>LogUp fractions summed over the whole proof (interactions × rows); 0 when no bus.</summary>
    public double LogUpFractions { get; init; }

    /// <summary>Longest tuple sent on a bus (fingerprinted with powers of one challenge).</summary>
    public int LogUpTupleWidth { get; init; } = 1;
}

/// <summary>One regime's analysis: the bits of each error term and their minimum.</summary>
public sealed record RegimeSecurity(string Regime, IReadOnlyDictionary<string, int> Terms)
{
    public int Total => Terms.Values.Min();
}

/// <summary>The result of <see cref="SecurityCalculator.Compute"/>.</summary>
public sealed record SecurityReport(RegimeSecurity UniqueDecoding, RegimeSecurity JohnsonBound, int Conjectured)
{
    /// <summary>Provable bits: each regime is a valid proof, so the better one counts.</summary>
    public int Provable => Math.Max(UniqueDecoding.Total, JohnsonBound.Total);

    public override string ToString() =>
        $"provable {Provable} bits (UDR {UniqueDecoding.Total}, JBR {JohnsonBound.Total}), conjectured {Conjectured} bits";
}

/// <summary>
/// Soundness of FRI-based STARKs in the two provable regimes the EF's soundcalc uses, and the
/// conjectured ("toy problem", ethSTARK §5.9.1) level:
/// <list type="bullet">
/// <item>Unique decoding (UDR): proximity θ = (1 − ρ)/2; a proximity-gap error of n/|F| per
/// combined function (BCIKS20, Thm 1.2/1.4), list size 1.</item>
/// <item>Johnson bound (JBR): θ = 1 − √ρ − η; proximity-gap error per BCHKS25 Thm 4.2 with
/// m = max(⌈√ρ/η⌉, 3); list size 1/(2η√ρ) multiplies the DEEP and ALI errors.</item>
/// </list>
/// Terms: batching (powers of one challenge over the batch), each commit round (folding by powers),
/// the query phase ((1 − θ)^q · 2^-pow), ALI (random combination of constraints), DEEP (out-of-domain
/// sampling), LogUp (Schwartz–Zippel on the summed fractions and tuple fingerprints).
/// </summary>
public static class SecurityCalculator
{
    public static SecurityReport Compute(SecurityParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        Validate(p);
        double logF = p.ExtensionDegree * Math.Log2(p.FieldPrime);
        var udr = Regime("UDR", p, logF, johnson: false);
        var jbr = Regime("JBR", p, logF, johnson: true);
        double rho = Math.Pow(2, -p.LogBlowup);
        // Toy problem: commit-phase error 1/|F| plus query error ρ^q·2^-pow.
        double conjecturedError = Math.Pow(2, -logF) + Math.Pow(rho, p.NumQueries) * Math.Pow(2, -p.QueryPowBits);
        return new SecurityReport(udr, jbr, Bits(conjecturedError));
    }

    private static void Validate(SecurityParameters p)
    {
        if (p.FieldPrime < 3) throw new ArgumentException("field prime must be ≥ 3");
        if (p.ExtensionDegree < 1) throw new ArgumentException("extension degree must be ≥ 1");
        if (p.LogBlowup < 1) throw new ArgumentException("blowup must be ≥ 2");
        if (p.NumQueries < 1) throw new ArgumentException("at least one query");
        if (p.LogTraceHeight < 0 || p.LogTraceHeight > 40) throw new ArgumentException("trace height out of range");
        if (p.FoldingArity < 2 || (p.FoldingArity & (p.FoldingArity - 1)) != 0) throw new ArgumentException("folding arity must be a power of two ≥ 2");
        if (p.LogFinalPolyLength < 0 || p.LogFinalPolyLength > p.LogTraceHeight) throw new ArgumentException("final polynomial longer than the trace");
        if (p.BatchSize < 1 || p.NumColumns < 1) throw new ArgumentException("batch size and columns must be positive");
        if (p.MaxConstraintDegree < 1) throw new ArgumentException("constraint degree must be ≥ 1");
    }

    /// <summary>Largest k with error ≤ 2^-k (0 when the error is ≥ 1).</summary>
    public static int Bits(double error) => error >= 1 ? 0 : (int)Math.Floor(-Math.Log2(error));

    private static RegimeSecurity Regime(string name, SecurityParameters p, double logF, bool johnson)
    {
        double field = Math.Pow(2, logF);
        double rho = Math.Pow(2, -p.LogBlowup);
        double sqrtRho = Math.Sqrt(rho);
        double n = Math.Pow(2, p.LogTraceHeight);
        double domain = n / rho;

        double gap = johnson ? (logF > 150 ? sqrtRho / 100 : Math.Max(rho / 20, sqrtRho / 100)) : 0;
        double theta = johnson ? 1 - sqrtRho - gap : (1 - rho) / 2;
        double listSize = johnson ? 1 / (2 * gap * sqrtRho) : 1;

        // Proximity-gap error for one random linear combination of codewords of dimension `dim`.
        double LinearError(double dim)
        {
            double len = dim / rho;
            if (!johnson)
                return len / field;
            int m = Math.Max((int)Math.Ceiling(sqrtRho / gap), 3);
            double ms = m + 0.5;
            double first = (2 * Math.Pow(ms, 5) + 3 * ms * theta * rho) * len / (3 * rho * sqrtRho);
            return (first + ms / sqrtRho) / field;
        }

        var terms = new Dictionary<string, int>
        {
            ["batching"] = Bits(LinearError(n) * Math.Max(p.BatchSize - 1, 1)),
        };
        int arityBits = int.Log2(p.FoldingArity);
        int rounds = (p.LogTraceHeight - p.LogFinalPolyLength + arityBits - 1) / arityBits;
        for (int i = 0; i < rounds; i++)
        {
            double dim = n / Math.Pow(p.FoldingArity, i + 1);
            terms[$"commit round {i + 1}"] = Bits(LinearError(Math.Max(dim, 1)) * (p.FoldingArity - 1) * Math.Pow(2, -p.CommitPowBits));
        }
        terms["query phase"] = Bits(Math.Pow(1 - theta, p.NumQueries) * Math.Pow(2, -p.QueryPowBits));
        terms["ALI"] = Bits(listSize * Math.Max(p.NumColumns, p.NumConstraints) / field);
        terms["DEEP"] = Bits(listSize * (p.MaxConstraintDegree * (n + p.OpeningPoints - 1) + (n - 1)) / (field - n - domain));
        if (p.LogUpFractions > 0)
        {
            // The bus sum is a rational function of α whose numerator and denominator have degree at most
            // the number of fractions; a false balance survives a random α with probability ≤ M/(|F| − M).
            // Tuples are compressed with powers of β: two distinct tuples collide with probability ≤ (w−1)/|F|
            // each, union-bounded over the fractions.
            double m = p.LogUpFractions;
            terms["LogUp"] = Bits(m / (field - m) + m * Math.Max(p.LogUpTupleWidth - 1, 0) / field);
        }
        return new RegimeSecurity(name, terms);
    }

    /// <summary>Fewest queries for which the provable level reaches <paramref name="targetBits"/>, or null if none ≤ 1000 does.</summary>
    public static int? QueriesFor(int targetBits, SecurityParameters template)
    {
        ArgumentNullException.ThrowIfNull(template);
        for (int q = 1; q <= 1000; q++)
            if (Compute(template with { NumQueries = q }).Provable >= targetBits)
                return q;
        return null;
    }
}
