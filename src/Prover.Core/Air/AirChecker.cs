using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air;

/// <summary>A constraint that does not hold on a concrete trace.</summary>
public sealed record ConstraintViolation(string Air, int Row, int Constraint, string Value)
{
    public override string ToString() => $"{Air}: constraint {Constraint} fails on row {Row} (value {Value})";
}

/// <summary>
/// Checks a concrete trace against an AIR's constraints row by row (the next row of the last row is
/// the first). The prover runs it before committing so that a wrong trace fails loudly instead of
/// producing a proof that the verifier will reject anyway; tests use it to pinpoint the violation.
/// </summary>
public static class AirChecker
{
    public static ConstraintViolation? FindViolation<F>(IAir<F> air, RowMajorMatrix<F> trace, IReadOnlyList<F> publicValues,
        RowMajorMatrix<F>? preprocessed = null)
        where F : struct, IField<F>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(publicValues);
        if (trace.Width != air.Width)
            throw new ArgumentException($"{air.Name}: trace width {trace.Width} differs from AIR width {air.Width}", nameof(trace));
        if (publicValues.Count != air.PublicValueCount)
            throw new ArgumentException($"{air.Name}: {publicValues.Count} public values given, {air.PublicValueCount} expected", nameof(publicValues));
        var builder = new AirBuilder<F>(air.Width, air.PreprocessedWidth, air.PublicValueCount);
        air.Eval(builder);
        var program = new ConstraintProgram<F>(builder.Constraints);
        if (air.PreprocessedWidth > 0)
            preprocessed ??= air.PreprocessedTrace(trace.Height) ?? throw new ArgumentException($"{air.Name}: no preprocessed trace");
        var registers = new F[program.InstructionCount];
        var outputs = new F[program.ConstraintCount];
        int n = trace.Height;
        for (int row = 0; row < n; row++)
        {
            var inputs = new TraceRowInputs<F>(trace, preprocessed, publicValues, row);
            program.Evaluate<F, TraceRowInputs<F>>(ref inputs, registers, outputs);
            for (int k = 0; k < outputs.Length; k++)
                if (!outputs[k].IsZero)
                    return new ConstraintViolation(air.Name, row, k, outputs[k].ToString() ?? "?");
        }
        return null;
    }
}
