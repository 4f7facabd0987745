using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>
/// What an AIR's own constraints guarantee about the size of its bus multiplicities, derived from the
/// symbolic expressions alone (no trust in the prover).
/// <para>
/// Why it matters: LogUp proves Σ ±m_i/(γ − fp_i) = 0 in the field, which gives, for every tuple, that
/// the multiplicities of that tuple add to zero <em>modulo p</em>. A tuple sent p times with no
/// receiver also adds to zero. The argument becomes a multiset equality over the integers only when
/// the integer sizes are bounded: if, on one bus, Σ over every interaction whose multiplicity is
/// bounded of (rows × bound) is below p, then for a tuple that no unbounded interaction offers, its
/// signed count lies in (−p, p), so "≡ 0 (mod p)" means "= 0". Unbounded multiplicities are allowed only
/// on interactions whose tuple is fixed by the verifying key (preprocessed columns and constants: a
/// lookup table's rows) or by the AIR (expressions of asserted-boolean columns: a table whose rows are computed from
/// bits), where any count of a genuine table row is harmless.
/// See <see cref="BusBudget"/> for the check over a whole statement.
/// </para>
/// <para>
/// The bound of a multiplicity expression is computed structurally: a constant c bounds itself (as a
/// centred integer |c| ≤ (p − 1)/2); an expression that the AIR asserts boolean on every row
/// (<c>x·(x − 1) = 0</c> with no condition, x any expression) is bounded by 1, as are the first/last-row
/// selectors; sums, differences and products bound by the sum / product of their operands' bounds.
/// Everything else (a free column, a public value, the transition selector) is unbounded.
/// </para>
/// </summary>
public static class MultiplicityBounds
{
    /// <summary>
    /// For each interaction, the largest absolute integer value its multiplicity can take on a row of a
    /// trace that satisfies the AIR's constraints, or null when the constraints do not bound it.
    /// </summary>
    public static long?[] Compute<F>(IReadOnlyList<SymbolicExpression<F>> constraints, IReadOnlyList<Interaction<F>> interactions)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(interactions);
        var booleans = new List<SymbolicExpression<F>>();
        foreach (var c in constraints)
            if (AssertedBoolean(c) is { } x)
                booleans.Add(x);
        var result = new long?[interactions.Count];
        for (int i = 0; i < interactions.Count; i++)
            result[i] = Bound(interactions[i].Multiplicity, booleans);
        return result;
    }

    /// <summary>Whether every value of the interaction's tuple is fixed by the verifying key (preprocessed columns and constants).</summary>
    public static bool HasFixedTuple<F>(Interaction<F> interaction) where F : struct, IField<F> =>
        HasFixedTuple(interaction, []);

    /// <summary>
    /// Whether every value of the interaction's tuple is an expression of preprocessed columns, constants and variables
    /// that <paramref name="constraints"/> assert boolean on every row (x·(x − 1) = 0 with no condition factor). Such a
    /// tuple ranges over a finite set the AIR itself fixes (the expression's values over 0/1 inputs and the verifying
    /// key's rows), exactly as a preprocessed table's rows are fixed: a table whose rows are computed from asserted bits
    /// (<c>ByteTable</c>) can receive nothing else, so an unbounded count of its tuples is harmless like a fixed table's.
    /// </summary>
    public static bool HasFixedTuple<F>(Interaction<F> interaction, IReadOnlyList<SymbolicExpression<F>> constraints) where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(constraints);
        var booleans = new List<SymbolicExpression<F>>();
        foreach (var c in constraints)
            if (AssertedBoolean(c) is { } x && x.Kind == ExpressionKind.Variable)
                booleans.Add(x);
        return interaction.Values.All(Fixed);

        bool Fixed(SymbolicExpression<F> e) => e.Kind switch
        {
            ExpressionKind.Constant => true,
            ExpressionKind.Variable => e.Variable.Source == VariableSource.Preprocessed || booleans.Exists(b => b.Variable == e.Variable),
            ExpressionKind.Add or ExpressionKind.Sub or ExpressionKind.Mul => Fixed(e.Left!) && Fixed(e.Right!),
            ExpressionKind.Neg => Fixed(e.Left!),
            _ => false,
        };
    }

    // Bounds are capped well below long overflow; anything above the cap is as good as unbounded.
    private const long Cap = 1L << 40;

    private static long? Bound<F>(SymbolicExpression<F> e, List<SymbolicExpression<F>> booleans) where F : struct, IField<F>
    {
        foreach (var b in booleans)
            if (SameExpression(b, e))
                return 1;
        long? r = e.Kind switch
        {
            ExpressionKind.Constant => Centred(e.Constant),
            ExpressionKind.IsFirstRow or ExpressionKind.IsLastRow => 1,
            ExpressionKind.Add or ExpressionKind.Sub => Bound(e.Left!, booleans) is { } a && Bound(e.Right!, booleans) is { } b ? a + b : null,
            ExpressionKind.Mul => Bound(e.Left!, booleans) is { } a && Bound(e.Right!, booleans) is { } b && (a == 0 || b <= Cap / Math.Max(a, 1)) ? a * b : null,
            ExpressionKind.Neg => Bound(e.Left!, booleans),
            _ => null,
        };
        return r is { } v && v <= Cap ? v : null;
    }

    /// <summary>|c| as a centred integer when it is at most <see cref="MaxConstant"/>; null (unbounded) otherwise.</summary>
    private static long? Centred<F>(F c) where F : struct, IField<F>
    {
        for (ulong k = 0; k <= MaxConstant; k++)
        {
            var f = F.FromUInt64(k);
            if (c == f || c == -f)
                return (long)k;
        }
        return null;
    }

    private const ulong MaxConstant = 1 << 10;

    /// <summary>x when <paramref name="c"/> is x·(x − 1), (x − 1)·x or x·x − x with no condition factor.</summary>
    private static SymbolicExpression<F>? AssertedBoolean<F>(SymbolicExpression<F> c) where F : struct, IField<F>
    {
        if (c.Kind == ExpressionKind.Mul)
        {
            if (IsMinusOne(c.Right!, out var x) && SameExpression(x, c.Left!))
                return x;
            if (IsMinusOne(c.Left!, out x) && SameExpression(x, c.Right!))
                return x;
        }
        if (c.Kind == ExpressionKind.Sub && c.Left!.Kind == ExpressionKind.Mul && SameExpression(c.Left.Left!, c.Left.Right!)
            && SameExpression(c.Left.Left!, c.Right!))
            return c.Right;
        return null;
    }

    /// <summary>e = x − 1 (or x + (−1)).</summary>
    private static bool IsMinusOne<F>(SymbolicExpression<F> e, out SymbolicExpression<F> x) where F : struct, IField<F>
    {
        x = e;
        if (e.Kind == ExpressionKind.Sub && e.Right!.IsConstant(out var c) && c == F.One)
        {
            x = e.Left!;
            return true;
        }
        if (e.Kind == ExpressionKind.Add && e.Right!.IsConstant(out c) && c == -F.One)
        {
            x = e.Left!;
            return true;
        }
        return false;
    }

    /// <summary>Structural equality of two expression DAGs.</summary>
    private static bool SameExpression<F>(SymbolicExpression<F> a, SymbolicExpression<F> b) where F : struct, IField<F>
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a.Kind != b.Kind)
            return false;
        return a.Kind switch
        {
            ExpressionKind.Constant => a.Constant == b.Constant,
            ExpressionKind.Variable => a.Variable == b.Variable,
            ExpressionKind.IsFirstRow or ExpressionKind.IsLastRow or ExpressionKind.IsTransition => true,
            ExpressionKind.Neg => SameExpression(a.Left!, b.Left!),
            _ => SameExpression(a.Left!, b.Left!) && SameExpression(a.Right!, b.Right!),
        };
    }
}
