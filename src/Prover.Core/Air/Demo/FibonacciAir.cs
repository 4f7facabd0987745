using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Air.Demo;

/// <summary>
/// Fibonacci over two columns (a, b): row 0 holds the public start values, each next row is
/// (b, a + b), and the last row's b equals the public result. Public values: [a0, b0, result].
/// </summary>
public sealed class FibonacciAir<F> : IAir<F> where F : struct, IField<F>
{
    public string Name => "fibonacci";

    public int Width => 2;

    public int PublicValueCount => 3;

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (a, b) = (builder.Local[0], builder.Local[1]);
        var (nextA, nextB) = (builder.Next[0], builder.Next[1]);
        var pub = builder.PublicValues;

        var first = builder.WhenFirstRow();
        first.AssertEq(a, pub[0]);
        first.AssertEq(b, pub[1]);

        var transition = builder.WhenTransition();
        transition.AssertEq(nextA, b);
        transition.AssertEq(nextB, a + b);

        builder.WhenLastRow().AssertEq(b, pub[2]);
    }

    /// <summary>The trace of <paramref name="height"/> rows starting from (a0, b0).</summary>
    public static RowMajorMatrix<F> GenerateTrace(int height, F a0, F b0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        var trace = new RowMajorMatrix<F>(height, 2);
        F a = a0, b = b0;
        for (int r = 0; r < height; r++)
        {
            trace[r, 0] = a;
            trace[r, 1] = b;
            (a, b) = (b, a + b);
        }
        return trace;
    }
}
