using System.Runtime.CompilerServices;
using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>Where a symbolic variable reads its value from.</summary>
public enum VariableSource : byte
{
    /// <summary>A column of the table's main trace.</summary>
    Main,

    /// <summary>A column of the table's preprocessed (fixed, verifier-known) trace.</summary>
    Preprocessed,

    /// <summary>A public value of the proof (same on every row).</summary>
    Public,
}

/// <summary>A trace cell relative to the current row: <c>Offset</c> 0 is the local row, 1 the next row.</summary>
public readonly record struct Variable(VariableSource Source, int Index, int Offset)
{
    public override string ToString() => Source switch
    {
        VariableSource.Main => Offset == 0 ? $"main[{Index}]" : $"main'[{Index}]",
        VariableSource.Preprocessed => Offset == 0 ? $"pre[{Index}]" : $"pre'[{Index}]",
        _ => $"pub[{Index}]",
    };
}

/// <summary>Node kinds of a symbolic constraint expression.</summary>
public enum ExpressionKind : byte
{
    Constant,
    Variable,

    /// <summary>1 on the first row of the trace domain, 0 elsewhere (Lagrange selector L_0).</summary>
    IsFirstRow,

    /// <summary>1 on the last row, 0 elsewhere.</summary>
    IsLastRow,

    /// <summary>0 on the last row, non-zero elsewhere (x − g^-1): gates constraints that read the next row.</summary>
    IsTransition,
    Add,
    Sub,
    Mul,
    Neg,
}

/// <summary>
/// A node of a symbolic constraint expression over the field <typeparamref name="F"/>. AIRs build these
/// with ordinary operators; the framework analyses them (degree, count) and compiles them into a
/// <see cref="ConstraintProgram{F}"/> that the prover evaluates on the LDE and the verifier at the
/// out-of-domain point. Nodes are immutable and may be shared (a DAG).
/// </summary>
public sealed class SymbolicExpression<F> :
    System.Numerics.IAdditionOperators<SymbolicExpression<F>, SymbolicExpression<F>, SymbolicExpression<F>>,
    System.Numerics.ISubtractionOperators<SymbolicExpression<F>, SymbolicExpression<F>, SymbolicExpression<F>>,
    System.Numerics.IMultiplyOperators<SymbolicExpression<F>, SymbolicExpression<F>, SymbolicExpression<F>>
    where F : struct, IField<F>
{
    private SymbolicExpression(ExpressionKind kind, F constant, Variable variable, SymbolicExpression<F>? left, SymbolicExpression<F>? right, int degree)
    {
        Kind = kind;
        Constant = constant;
        Variable = variable;
        Left = left;
        Right = right;
        Degree = degree;
    }

    public ExpressionKind Kind { get; }

    public F Constant { get; }

    public Variable Variable { get; }

    public SymbolicExpression<F>? Left { get; }

    public SymbolicExpression<F>? Right { get; }

    /// <summary>
    /// Degree as a polynomial in the trace columns, counting each selector as degree 1 (after division
    /// by the vanishing polynomial a selector contributes one factor of x, as in Plonky3).
    /// </summary>
    public int Degree { get; }

    public static SymbolicExpression<F> Zero { get; } = FromConstant(F.Zero);

    public static SymbolicExpression<F> One { get; } = FromConstant(F.One);

    public static SymbolicExpression<F> IsFirstRow { get; } = new(ExpressionKind.IsFirstRow, default, default, null, null, 1);

    public static SymbolicExpression<F> IsLastRow { get; } = new(ExpressionKind.IsLastRow, default, default, null, null, 1);

    public static SymbolicExpression<F> IsTransition { get; } = new(ExpressionKind.IsTransition, default, default, null, null, 1);

    public static SymbolicExpression<F> FromConstant(F value) => new(ExpressionKind.Constant, value, default, null, null, 0);

    public static SymbolicExpression<F> FromVariable(Variable v) =>
        new(ExpressionKind.Variable, default, v, null, null, v.Source == VariableSource.Public ? 0 : 1);

    public bool IsConstant(out F value)
    {
        value = Constant;
        return Kind == ExpressionKind.Constant;
    }

    public static implicit operator SymbolicExpression<F>(F value) => FromConstant(value);

    public static SymbolicExpression<F> operator +(SymbolicExpression<F> a, SymbolicExpression<F> b)
    {
        if (a.IsConstant(out var x) && b.IsConstant(out var y))
            return FromConstant(x + y);
        if (a.IsConstant(out x) && x.IsZero)
            return b;
        if (b.IsConstant(out y) && y.IsZero)
            return a;
        return new(ExpressionKind.Add, default, default, a, b, Math.Max(a.Degree, b.Degree));
    }

    public static SymbolicExpression<F> operator -(SymbolicExpression<F> a, SymbolicExpression<F> b)
    {
        if (a.IsConstant(out var x) && b.IsConstant(out var y))
            return FromConstant(x - y);
        if (b.IsConstant(out y) && y.IsZero)
            return a;
        return new(ExpressionKind.Sub, default, default, a, b, Math.Max(a.Degree, b.Degree));
    }

    public static SymbolicExpression<F> operator -(SymbolicExpression<F> a) =>
        a.IsConstant(out var x) ? FromConstant(-x) : new(ExpressionKind.Neg, default, default, a, null, a.Degree);

    public static SymbolicExpression<F> operator *(SymbolicExpression<F> a, SymbolicExpression<F> b)
    {
        if (a.IsConstant(out var x) && b.IsConstant(out var y))
            return FromConstant(x * y);
        if ((a.IsConstant(out x) && x.IsZero) || (b.IsConstant(out y) && y.IsZero))
            return Zero;
        if (a.IsConstant(out x) && x == F.One)
            return b;
        if (b.IsConstant(out y) && y == F.One)
            return a;
        return new(ExpressionKind.Mul, default, default, a, b, a.Degree + b.Degree);
    }

    public static SymbolicExpression<F> operator +(SymbolicExpression<F> a, F b) => a + FromConstant(b);

    public static SymbolicExpression<F> operator -(SymbolicExpression<F> a, F b) => a - FromConstant(b);

    public static SymbolicExpression<F> operator *(SymbolicExpression<F> a, F b) => a * FromConstant(b);

    /// <summary>Sum of a sequence (zero when empty).</summary>
    public static SymbolicExpression<F> Sum(IEnumerable<SymbolicExpression<F>> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var acc = Zero;
        foreach (var t in terms)
            acc += t;
        return acc;
    }

    public override string ToString() => Kind switch
    {
        ExpressionKind.Constant => Constant.ToString() ?? "?",
        ExpressionKind.Variable => Variable.ToString(),
        ExpressionKind.IsFirstRow => "first",
        ExpressionKind.IsLastRow => "last",
        ExpressionKind.IsTransition => "transition",
        ExpressionKind.Add => $"({Left} + {Right})",
        ExpressionKind.Sub => $"({Left} - {Right})",
        ExpressionKind.Mul => $"{Left}·{Right}",
        ExpressionKind.Neg => $"-{Left}",
        _ => throw new SwitchExpressionException(Kind),
    };
}
