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

    /// <summary>
    /// Checks a table's LogUp trace (committed group columns and the cyclic running sum, <see cref="LogUp"/>) against its
    /// main trace row by row (row n − 1's next is row 0), for given challenges and claimed cumulative sum: the first LogUp
    /// constraint that fails, or null. The violation's <see cref="ConstraintViolation.Constraint"/> is the group j whose
    /// constraint fails (the last group's is the one that reads the running sum, so a wrong s or claimed sum shows there).
    /// </summary>
    public static ConstraintViolation? FindLogUpViolation<F, TExt>(CompiledAir<F> air, RowMajorMatrix<F> main, RowMajorMatrix<F>? preprocessed,
        IReadOnlyList<F> publicValues, RowMajorMatrix<F> logUp, TExt gamma, TExt beta, TExt cumulativeSum)
        where F : struct, IField<F>
        where TExt : struct, IExtensionField<TExt, F>
    {
        ArgumentNullException.ThrowIfNull(air);
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(publicValues);
        ArgumentNullException.ThrowIfNull(logUp);
        int d = TExt.Degree, columns = air.LogUpColumns, n = main.Height;
        if (logUp.Width != d * columns || logUp.Height != n)
            throw new ArgumentException($"{air.Name}: LogUp trace is {logUp.Height} × {logUp.Width}, expected {n} × {d * columns}", nameof(logUp));
        if (air.Air.PreprocessedWidth > 0)
            preprocessed ??= air.Air.PreprocessedTrace(n) ?? throw new ArgumentException($"{air.Name}: no preprocessed trace");
        var program = air.Program;
        var registers = new F[program.InstructionCount];
        var outputs = new F[program.ConstraintCount];
        var lifted = new TExt[program.ConstraintCount];
        var local = new TExt[columns];
        var next = new TExt[columns];
        var result = new TExt[LogUp.ConstraintCount(air)];
        var perRow = LogUp.SumPerRow<F, TExt>(cumulativeSum, n);
        for (int row = 0; row < n; row++)
        {
            var inputs = new TraceRowInputs<F>(main, preprocessed, publicValues, row);
            program.Evaluate<F, TraceRowInputs<F>>(ref inputs, registers, outputs);
            for (int o = 0; o < outputs.Length; o++)
                lifted[o] = TExt.FromBase(outputs[o]);
            for (int c = 0; c < columns; c++)
            {
                local[c] = TExt.FromCoefficients(logUp.Row(row).Slice(d * c, d));
                next[c] = TExt.FromCoefficients(logUp.Row((row + 1) % n).Slice(d * c, d));
            }
            LogUp.EvaluateConstraints<F, TExt>(air, lifted, local, next, gamma, beta, perRow, result);
            for (int l = 0; l < result.Length; l++)
                if (!result[l].IsZero)
                    return new ConstraintViolation(air.Name + " (LogUp)", row, l, result[l].ToString() ?? "?");
        }
        return null;
    }
}
