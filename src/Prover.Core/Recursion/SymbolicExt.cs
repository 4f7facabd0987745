using Prover.Core.Field;

namespace Prover.Core.Recursion;

/// <summary>
/// An extension-field "value" whose arithmetic emits recursion IR into the builder of the current
/// <see cref="SymbolicExt{TParams, TDef}.Scope"/>. It implements <see cref="IExtensionField{TSelf, TBase}"/>, so the
/// generic code the native prover and verifier run — <see cref="Air.ConstraintProgram{F}.Evaluate"/> (every AIR's
/// constraints), <see cref="Air.LogUp.EvaluateConstraints"/>, <see cref="Stark.Polynomials.Selectors"/> — runs on it
/// unchanged and thereby compiles itself into the recursion program: the constraint evaluation at the out-of-domain
/// point comes from the same symbolic constraint programs, not from a second description. Comparisons and zero tests
/// of values that depend on the proof cannot be answered at build time and throw; the default value is zero.
/// </summary>
public readonly struct SymbolicExt<TParams, TDef> : IExtensionField<SymbolicExt<TParams, TDef>, MontyField31<TParams>>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    [ThreadStatic] private static RecursionBuilder<TParams, TDef>? t_builder;

    private readonly int _ref; // 0: the zero constant (the default value); otherwise ext id + 1

    private SymbolicExt(int reference) => _ref = reference;

    /// <summary>Wraps a variable of the current builder.</summary>
    public static SymbolicExt<TParams, TDef> Of(Ext e) => new(e.Id + 1);

    /// <summary>The variable this value is (zero becomes the builder's zero constant).</summary>
    public Ext Variable => _ref == 0 ? B.ExtZero : new Ext(_ref - 1);

    private static RecursionBuilder<TParams, TDef> B =>
        t_builder ?? throw new InvalidOperationException("symbolic extension arithmetic outside a SymbolicExt.Scope");

    /// <summary>Routes symbolic arithmetic on this thread to <paramref name="builder"/> until disposed.</summary>
    public static IDisposable Scope(RecursionBuilder<TParams, TDef> builder)
    {
        var previous = t_builder;
        t_builder = builder;
        return new Restore(previous);
    }

    private sealed class Restore(RecursionBuilder<TParams, TDef>? previous) : IDisposable
    {
        public void Dispose() => t_builder = previous;
    }

    public static SymbolicExt<TParams, TDef> Zero => default;

    public static SymbolicExt<TParams, TDef> One => Of(B.ExtOne);

    public static int Degree => TDef.Degree;

    public static SymbolicExt<TParams, TDef> FromUInt64(ulong value) => FromBase(MontyField31<TParams>.FromUInt64(value));

    public static SymbolicExt<TParams, TDef> FromBase(MontyField31<TParams> value) => Of(B.Constant(ExtensionField<MontyField31<TParams>, TDef>.FromBase(value)));

    public static SymbolicExt<TParams, TDef> FromCoefficients(ReadOnlySpan<MontyField31<TParams>> coefficients) =>
        Of(B.Constant(ExtensionField<MontyField31<TParams>, TDef>.FromCoefficients(coefficients)));

    public ReadOnlySpan<MontyField31<TParams>> Coefficients =>
        throw new NotSupportedException("the coefficients of a symbolic value are variables: RecursionBuilder.Coefficients");

    public bool IsZero => _ref == 0 || (B.TryConstant(Variable, out var v) ? v.IsZero : throw Unknown());

    private static InvalidOperationException Unknown() =>
        new("a value that depends on the proof cannot be compared at build time: assert it (RecursionBuilder.AssertEqual)");

    public static SymbolicExt<TParams, TDef> operator +(SymbolicExt<TParams, TDef> a, SymbolicExt<TParams, TDef> b) => Of(B.Add(a.Variable, b.Variable));

    public static SymbolicExt<TParams, TDef> operator -(SymbolicExt<TParams, TDef> a, SymbolicExt<TParams, TDef> b) => Of(B.Sub(a.Variable, b.Variable));

    public static SymbolicExt<TParams, TDef> operator *(SymbolicExt<TParams, TDef> a, SymbolicExt<TParams, TDef> b) => Of(B.Mul(a.Variable, b.Variable));

    public static SymbolicExt<TParams, TDef> operator -(SymbolicExt<TParams, TDef> a) => Of(B.Sub(B.ExtZero, a.Variable));

    public static SymbolicExt<TParams, TDef> operator *(SymbolicExt<TParams, TDef> a, MontyField31<TParams> b) => Of(B.Mul(a.Variable, B.Constant(b)));

    public static SymbolicExt<TParams, TDef> operator +(SymbolicExt<TParams, TDef> a, MontyField31<TParams> b) => Of(B.Add(a.Variable, B.Constant(b)));

    public static SymbolicExt<TParams, TDef> operator -(SymbolicExt<TParams, TDef> a, MontyField31<TParams> b) => Of(B.Add(a.Variable, B.Constant(-b)));

    public SymbolicExt<TParams, TDef> Square() => this * this;

    public SymbolicExt<TParams, TDef> Double() => this + this;

    /// <summary>The inverse; the program fails where the value is zero (where the native code throws).</summary>
    public SymbolicExt<TParams, TDef> Inverse() => Of(B.Inverse(Variable));

    public bool Equals(SymbolicExt<TParams, TDef> other)
    {
        if (_ref == other._ref) return true;
        if (B.TryConstant(Variable, out var x) && B.TryConstant(other.Variable, out var y)) return x == y;
        throw Unknown();
    }

    public override bool Equals(object? obj) => obj is SymbolicExt<TParams, TDef> other && Equals(other);

    public override int GetHashCode() => _ref;

    public static bool operator ==(SymbolicExt<TParams, TDef> a, SymbolicExt<TParams, TDef> b) => a.Equals(b);

    public static bool operator !=(SymbolicExt<TParams, TDef> a, SymbolicExt<TParams, TDef> b) => !a.Equals(b);
}
