using Prover.Core.Field;

namespace Prover.Core.Air;

/// <summary>
/// Collects the constraints and bus interactions of an AIR as symbolic expressions. <see cref="When"/>
/// and friends return a view that multiplies every asserted expression by a condition; all views
/// share one constraint list.
/// </summary>
public sealed class AirBuilder<F> where F : struct, IField<F>
{
    private readonly List<SymbolicExpression<F>> _constraints;
    private readonly List<Interaction<F>> _interactions;
    private readonly SymbolicExpression<F>? _condition;

    public AirBuilder(int width, int preprocessedWidth = 0, int publicValueCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(preprocessedWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(publicValueCount);
        _constraints = [];
        _interactions = [];
        Local = Variables(VariableSource.Main, width, 0);
        Next = Variables(VariableSource.Main, width, 1);
        PreprocessedLocal = Variables(VariableSource.Preprocessed, preprocessedWidth, 0);
        PreprocessedNext = Variables(VariableSource.Preprocessed, preprocessedWidth, 1);
        PublicValues = Variables(VariableSource.Public, publicValueCount, 0);
    }

    private AirBuilder(AirBuilder<F> parent, SymbolicExpression<F> condition)
    {
        _constraints = parent._constraints;
        _interactions = parent._interactions;
        _condition = parent._condition is null ? condition : parent._condition * condition;
        Local = parent.Local;
        Next = parent.Next;
        PreprocessedLocal = parent.PreprocessedLocal;
        PreprocessedNext = parent.PreprocessedNext;
        PublicValues = parent.PublicValues;
    }

    private static SymbolicExpression<F>[] Variables(VariableSource source, int count, int offset)
    {
        var result = new SymbolicExpression<F>[count];
        for (int i = 0; i < count; i++)
            result[i] = SymbolicExpression<F>.FromVariable(new Variable(source, i, offset));
        return result;
    }

    /// <summary>Main-trace cells of the current row.</summary>
    public IReadOnlyList<SymbolicExpression<F>> Local { get; }

    /// <summary>Main-trace cells of the next row (cyclically: the row after the last is the first).</summary>
    public IReadOnlyList<SymbolicExpression<F>> Next { get; }

    public IReadOnlyList<SymbolicExpression<F>> PreprocessedLocal { get; }

    public IReadOnlyList<SymbolicExpression<F>> PreprocessedNext { get; }

    public IReadOnlyList<SymbolicExpression<F>> PublicValues { get; }

    public IReadOnlyList<SymbolicExpression<F>> Constraints => _constraints;

    public IReadOnlyList<Interaction<F>> Interactions => _interactions;

    public SymbolicExpression<F> IsFirstRow => SymbolicExpression<F>.IsFirstRow;

    public SymbolicExpression<F> IsLastRow => SymbolicExpression<F>.IsLastRow;

    public SymbolicExpression<F> IsTransition => SymbolicExpression<F>.IsTransition;

    /// <summary>A view whose assertions only need to hold where <paramref name="condition"/> is non-zero.</summary>
    public AirBuilder<F> When(SymbolicExpression<F> condition) => new(this, condition);

    public AirBuilder<F> WhenFirstRow() => When(SymbolicExpression<F>.IsFirstRow);

    public AirBuilder<F> WhenLastRow() => When(SymbolicExpression<F>.IsLastRow);

    /// <summary>Assertions on every row but the last (they may read <see cref="Next"/>).</summary>
    public AirBuilder<F> WhenTransition() => When(SymbolicExpression<F>.IsTransition);

    public void AssertZero(SymbolicExpression<F> expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.IsConstant(out var c) && c.IsZero)
            return;
        _constraints.Add(_condition is null ? expression : _condition * expression);
    }

    public void AssertEq(SymbolicExpression<F> a, SymbolicExpression<F> b) => AssertZero(a - b);

    /// <summary>x ∈ {0, 1}: x·(x − 1) = 0.</summary>
    public void AssertBool(SymbolicExpression<F> x) => AssertZero(x * (x - SymbolicExpression<F>.One));

    public void Send(int bus, IReadOnlyList<SymbolicExpression<F>> values, SymbolicExpression<F> multiplicity) =>
        AddInteraction(bus, InteractionKind.Send, values, multiplicity);

    public void Receive(int bus, IReadOnlyList<SymbolicExpression<F>> values, SymbolicExpression<F> multiplicity) =>
        AddInteraction(bus, InteractionKind.Receive, values, multiplicity);

    private void AddInteraction(int bus, InteractionKind kind, IReadOnlyList<SymbolicExpression<F>> values, SymbolicExpression<F> multiplicity)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(multiplicity);
        ArgumentOutOfRangeException.ThrowIfNegative(bus);
        // A condition would silently change the multiplicity's meaning; the AIR must fold it into the
        // multiplicity itself, where it is visible.
        if (_condition is not null)
            throw new InvalidOperationException("bus interactions cannot be declared under When(...): put the condition in the multiplicity");
        if (values.Count == 0)
            throw new ArgumentException("an interaction needs at least one value", nameof(values));
        _interactions.Add(new Interaction<F>(bus, kind, values.ToArray(), multiplicity));
    }
}
