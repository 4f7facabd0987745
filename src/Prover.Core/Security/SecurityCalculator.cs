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

    /// <summary>
    /// Tables whose quotients are combined into one with the powers of a challenge μ (Σ_t μ^t·A_t/Z_(H_t)); 0 or 1: none. A table
    /// whose A_t is not divisible by Z_(H_t) leaves the combination a non-polynomial except for at most T − 1 values of μ (a
    /// non-zero polynomial of degree &lt; T in μ), counted in the ALI term.
    /// </summary>
    public int QuotientTables { get; init; }

    /// <summary>Polynomials batched into one FRI instance (columns plus quotient chunks).</summary>
    public required int BatchSize { get; init; }

    /// <summary>Distinct points each column is opened at (ζ and ζ·g: 2).</summary>
    public int OpeningPoints { get; init; } = 2;

    /// <summary>Largest FRI folding arity (2 = halving each round); steps fold less where a smaller table is rolled in (<see cref="FoldingSchedule"/>).</summary>
    public int FoldingArity { get; init; } = 2;

    /// <summary>log2 of the final polynomial's length (FRI stops folding there).</summary>
    public int LogFinalPolyLength { get; init; }

    /// <summary>LogUp fractions summed over the whole proof (interactions × rows); 0 when no bus.</summary>
    public double LogUpFractions { get; init; }

    /// <summary>Longest tuple sent on a bus (fingerprinted with powers of one challenge).</summary>
    public int LogUpTupleWidth { get; init; } = 1;

    /// <summary>
    /// Every table of the proof: its log height and largest constraint degree. When given, the DEEP term is a
    /// union bound over the tables (each is opened at the out-of-domain point and sized by its own height), and
    /// each commit round counts the smaller tables' codewords that FRI folds in at that round.
    /// </summary>
    public IReadOnlyList<(int LogHeight, int MaxConstraintDegree)>? Tables { get; init; }

    /// <summary>
    /// Output size in bits of the hash behind the Merkle commitments and the transcript (0: not counted). A
    /// collision breaks the commitment's binding, and a generic collision search succeeds with probability about
    /// 2^-(bits/2) per attempt, so no proof can be more sound than half the digest (the "hash" term). The sponge's
    /// and the transcript's capacity must be at least this wide (ours equal the digest), or they are the bound.
    /// </summary>
    public double DigestBits { get; init; }

    /// <summary>
    /// The security level the hash permutation itself is designed for (its round numbers; 0: not counted). A digest
    /// wider than twice this buys nothing: the hash term is the smaller of the two (128 for Plonky3's Poseidon2).
    /// </summary>
    public int HashPermutationBits { get; init; }
}

/// <summary>One regime's analysis: the bits of each error term and their minimum.</summary>
public sealed record RegimeSecurity(string Regime, IReadOnlyDictionary<string, int> Terms)
{
    public int Total => Terms.Values.Min();
}

/// <summary>The result of <see cref="SecurityCalculator.Compute"/>.</summary>
/// <param name="Conjectured">
/// Bits under the ethSTARK "toy problem" conjecture (ethSTARK §5.9.1), capped by the hash term: a conjecture,
/// not a proof (the EF's soundcalc no longer reports it); only <see cref="Provable"/> is a guarantee.
/// </param>
public sealed record SecurityReport(RegimeSecurity UniqueDecoding, RegimeSecurity JohnsonBound, int Conjectured)
{
    /// <summary>Provable bits: each regime is a valid proof, so the better one counts.</summary>
    public int Provable => Math.Max(UniqueDecoding.Total, JohnsonBound.Total);

    /// <summary>The hash term (half the digest), or null when the digest was not counted.</summary>
    public int? HashBits => JohnsonBound.Terms.TryGetValue("hash", out int bits) ? bits : null;

    /// <summary>The smaller report (fewer provable bits, then fewer conjectured bits): a statement of several proofs is as strong as its weakest.</summary>
    public static SecurityReport Weakest(SecurityReport a, SecurityReport b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return (a.Provable, a.Conjectured).CompareTo((b.Provable, b.Conjectured)) <= 0 ? a : b;
    }

    public override string ToString() =>
        $"provable {Provable} bits (UDR {UniqueDecoding.Total}, JBR {JohnsonBound.Total}{(HashBits is { } h ? $", hash {h}" : "")}), "
        + $"conjectured {Conjectured} bits (ethSTARK conjecture)";
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
/// sampling), LogUp (Schwartz–Zippel on the summed fractions and tuple fingerprints), and the hash
/// (half the Merkle/transcript digest, at most the permutation's design level: collision resistance caps
/// every regime).
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
        int conjectured = Bits(conjecturedError);
        if (p.DigestBits > 0)
            conjectured = Math.Min(conjectured, HashBits(p.DigestBits, p.HashPermutationBits));
        return new SecurityReport(udr, jbr, conjectured);
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
        if (p.QuotientTables < 0) throw new ArgumentException("quotient tables must be ≥ 0");
        if (p.DigestBits < 0) throw new ArgumentException("digest bits must be ≥ 0");
        if (p.HashPermutationBits < 0) throw new ArgumentException("the permutation's design bits must be ≥ 0");
        if (p.Tables is { } tables && tables.Any(t => t.LogHeight < 0 || t.LogHeight > p.LogTraceHeight || t.MaxConstraintDegree < 1))
            throw new ArgumentException("a table's height exceeds the largest or its degree is < 1");
    }

    /// <summary>Bits of the hash term: ⌊digest bits / 2⌋ (generic collision search, birthday bound).</summary>
    public static int HashBits(double digestBits) => (int)Math.Floor(digestBits / 2);

    /// <summary>
    /// Bits of the hash term: ⌊digest bits / 2⌋, capped at the permutation's design level when one is given
    /// (<paramref name="permutationBits"/> &gt; 0): a generic attack on the digest and a dedicated one on the permutation.
    /// </summary>
    public static int HashBits(double digestBits, int permutationBits) =>
        permutationBits > 0 ? Math.Min(HashBits(digestBits), permutationBits) : HashBits(digestBits);

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
        // The prover's schedule: steps of log2(arity) levels at most, each ending at every smaller table's height.
        var schedule = Schedule(p);
        int hi = p.LogTraceHeight;
        for (int i = 0; i < schedule.Length; i++)
        {
            int lo = hi - schedule[i], arity = 1 << schedule[i];
            double dim = n / Math.Pow(2, p.LogTraceHeight - lo);
            // Round i + 1 combines the step's `arity` functions f_t (f = Σ_t x^t·f_t(x^arity)) with powers of one challenge,
            // plus (roll-in) the reduced codeword of every smaller table whose height the step reaches, with the next
            // power: a combination of (arity + roll-ins) functions, whose error is (arity − 1 + roll-ins) times that of
            // one linear combination of codewords of the folded dimension (soundcalc: get_error_powers(ρ, n/Π factors, factor)).
            int rollIns = p.Tables?.Select(t => t.LogHeight).Where(h => h < hi && h >= lo).Distinct().Count() ?? 0;
            terms[$"commit round {i + 1}"] = Bits(LinearError(Math.Max(dim, 1)) * (arity - 1 + rollIns) * Math.Pow(2, -p.CommitPowBits));
            hi = lo;
        }
        terms["query phase"] = Bits(Math.Pow(1 - theta, p.NumQueries) * Math.Pow(2, -p.QueryPowBits));
        // ALI: the random combination of constraints (α), plus the combination of the tables' quotients (μ, T − 1 roots at most).
        terms["ALI"] = Bits(listSize * (Math.Max(p.NumColumns, p.NumConstraints) + Math.Max(p.QuotientTables - 1, 0)) / field);
        // DEEP: a false opening survives the out-of-domain point with probability ≤ (d·(n + points − 1) + n − 1)/(|F| − n − |D|)
        // per table of height n; a union bound over the tables when they are known.
        double DeepError(double height, int degree) => listSize * (degree * (height + p.OpeningPoints - 1) + (height - 1)) / (field - n - domain);
        terms["DEEP"] = Bits(p.Tables is { Count: > 0 } tables
            ? tables.Sum(t => DeepError(Math.Pow(2, t.LogHeight), t.MaxConstraintDegree))
            : DeepError(n, p.MaxConstraintDegree));
        if (p.LogUpFractions > 0)
        {
            // The bus sum is a rational function of α whose numerator and denominator have degree at most
            // the number of fractions; a false balance survives a random α with probability ≤ M/(|F| − M).
            // Tuples are compressed with powers of β: two distinct tuples collide with probability ≤ (w−1)/|F|
            // each, union-bounded over the fractions.
            double m = p.LogUpFractions;
            terms["LogUp"] = Bits(m / (field - m) + m * Math.Max(p.LogUpTupleWidth - 1, 0) / field);
        }
        if (p.DigestBits > 0)
            terms["hash"] = HashBits(p.DigestBits, p.HashPermutationBits);
        return new RegimeSecurity(name, terms);
    }

    /// <summary>
    /// log2 of each FRI step's arity for these parameters: <see cref="FoldingSchedule.LogArities"/> from the largest trace
    /// height to the final polynomial, cut at every table's height (the prover's schedule, shifted by the blowup).
    /// </summary>
    public static int[] Schedule(SecurityParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return FoldingSchedule.LogArities(p.LogTraceHeight, p.LogFinalPolyLength, int.Log2(p.FoldingArity), p.Tables?.Select(t => t.LogHeight));
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
