using System.Numerics;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Matrix;

namespace Prover.Core.Air;

/// <summary>
/// One Poseidon2 permutation of width W (16, or 24 for 12-element digests) per row, for fields whose S-box is x^3
/// (KoalaBear). Columns: the W inputs, the W state elements after each of the 4 initial full rounds, the S-box output of
/// each partial round, and the W state elements after each of the 4 final full rounds (the last W are the permutation's
/// output). Every committed column is constrained to equal a degree-3 expression of earlier columns — the S-box of a
/// linear combination — so the whole row is forced to be the permutation of its inputs: no column is free. The
/// constraints are written once over the width (the round structure, MLight and the internal layer are the same
/// algorithm at both widths; only the constants and the number of partial rounds differ: 20 at width 16, 23 at 24).
/// </summary>
public sealed class Poseidon2Air<TParams> : IAir<MontyField31<TParams>> where TParams : struct, IMontyParameters
{
    private readonly Poseidon2<TParams> _perm;

    /// <summary>The width-16 permutation's AIR (the input commitment's and the recursion's 8-element-digest hash).</summary>
    public Poseidon2Air() : this(16)
    {
    }

    /// <summary>The AIR of the standard permutation of width <paramref name="width"/> (16 or 24).</summary>
    public Poseidon2Air(int width)
    {
        _perm = width switch
        {
            16 => Poseidon2.Width16<TParams>(),
            24 => Poseidon2.Width24<TParams>(),
            _ => throw new ArgumentOutOfRangeException(nameof(width), width, "Poseidon2 has width 16 or 24"),
        };
        if (Poseidon2<TParams>.SBoxDegree != 3)
            throw new NotSupportedException($"the Poseidon2 AIR needs the x^3 S-box ({TParams.Name} uses x^{Poseidon2<TParams>.SBoxDegree})");
    }

    /// <summary>The permutation's width W (inputs and outputs per row).</summary>
    public int StateWidth => _perm.Width;

    public string Name => StateWidth == 16 ? "poseidon2" : $"poseidon2-w{StateWidth}";

    private int PartialRounds => _perm.PartialRounds;

    public int Width => StateWidth * (1 + Poseidon2<TParams>.FullRounds) + PartialRounds;

    /// <summary>Column of the permutation output element <paramref name="i"/>.</summary>
    public int OutputColumn(int i) => Width - StateWidth + i;

    public void Eval(AirBuilder<MontyField31<TParams>> builder) => EvalPermutation(builder, 0);

    /// <summary>
    /// States that columns [offset, offset + <see cref="Width"/>) of every row hold one permutation (inputs
    /// first, outputs last): for AIRs that embed a permutation next to their own columns.
    /// </summary>
    public void EvalPermutation(AirBuilder<MontyField31<TParams>> builder, int offset)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cols = builder.Local;
        int next = offset;
        SymbolicExpression<MontyField31<TParams>> Lift(MontyField31<TParams> c) => c;
        var state = new SymbolicExpression<MontyField31<TParams>>[StateWidth];
        for (int i = 0; i < StateWidth; i++)
            state[i] = cols[next++];
        // Soundness: each round's committed columns equal S-box expressions of the previous (committed
        // or linear) state, so the row determines them uniquely from the inputs; the prover has no choice.
        Layers.External(state, Lift);
        for (int round = 0; round < 4; round++)
        {
            for (int i = 0; i < StateWidth; i++)
                state[i] = Cube(state[i] + _perm.InitialRoundConstant(round, i));
            Layers.External(state, Lift);
            for (int i = 0; i < StateWidth; i++)
            {
                builder.AssertEq(cols[next], state[i]);
                state[i] = cols[next++];
            }
        }
        for (int round = 0; round < PartialRounds; round++)
        {
            builder.AssertEq(cols[next], Cube(state[0] + _perm.PartialRoundConstant(round)));
            state[0] = cols[next++];
            Layers.Internal(state, _perm.InternalDiagonal, Lift);
        }
        for (int round = 0; round < 4; round++)
        {
            for (int i = 0; i < StateWidth; i++)
                state[i] = Cube(state[i] + _perm.FinalRoundConstant(round, i));
            Layers.External(state, Lift);
            for (int i = 0; i < StateWidth; i++)
            {
                builder.AssertEq(cols[next], state[i]);
                state[i] = cols[next++];
            }
        }
    }

    private static SymbolicExpression<MontyField31<TParams>> Cube(SymbolicExpression<MontyField31<TParams>> x) => x * x * x;

    /// <summary>A trace with one row per input state (the number of inputs must be a power of two).</summary>
    public RowMajorMatrix<MontyField31<TParams>> GenerateTrace(IReadOnlyList<MontyField31<TParams>[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count < 2 || !BitOperations.IsPow2(inputs.Count))
            throw new ArgumentException("the number of permutations must be a power of two ≥ 2", nameof(inputs));
        var trace = new RowMajorMatrix<MontyField31<TParams>>(inputs.Count, Width);
        Parallel.For(0, inputs.Count, r => FillPermutation(trace.Row(r), 0, inputs[r]));
        return trace;
    }

    /// <summary>Writes the permutation of <paramref name="input"/> into columns [offset, offset + <see cref="Width"/>) of a row.</summary>
    public void FillPermutation(Span<MontyField31<TParams>> row, int offset, ReadOnlySpan<MontyField31<TParams>> input)
    {
        var s = input.ToArray();
        if (s.Length != StateWidth)
            throw new ArgumentException($"the input has {s.Length} elements, not {StateWidth}", nameof(input));
        int next = offset;
        MontyField31<TParams> Lift(MontyField31<TParams> c) => c;
        foreach (var v in s)
            row[next++] = v;
        Layers.External(s, Lift);
        for (int round = 0; round < 4; round++)
        {
            for (int i = 0; i < StateWidth; i++)
                s[i] = (s[i] + _perm.InitialRoundConstant(round, i)).Pow(3);
            Layers.External(s, Lift);
            foreach (var v in s)
                row[next++] = v;
        }
        for (int round = 0; round < PartialRounds; round++)
        {
            s[0] = (s[0] + _perm.PartialRoundConstant(round)).Pow(3);
            row[next++] = s[0];
            Layers.Internal(s, _perm.InternalDiagonal, Lift);
        }
        for (int round = 0; round < 4; round++)
        {
            for (int i = 0; i < StateWidth; i++)
                s[i] = (s[i] + _perm.FinalRoundConstant(round, i)).Pow(3);
            Layers.External(s, Lift);
            foreach (var v in s)
                row[next++] = v;
        }
    }

    /// <summary>The linear layers of Poseidon2, written once over any ring with the field's constants.</summary>
    private static class Layers
    {
        private static readonly int[,] M4 = { { 2, 3, 1, 1 }, { 1, 2, 3, 1 }, { 1, 1, 2, 3 }, { 3, 1, 1, 2 } };

        /// <summary>MLight: M4 on each chunk of 4, then s_i += Σ_k s_(4k + i mod 4).</summary>
        public static void External<T>(T[] s, Func<MontyField31<TParams>, T> lift)
            where T : IAdditionOperators<T, T, T>, IMultiplyOperators<T, T, T>
        {
            var chunk = new T[4];
            for (int c = 0; c < s.Length; c += 4)
            {
                for (int i = 0; i < 4; i++)
                {
                    T acc = s[c] * lift(MontyField31<TParams>.FromUInt64((ulong)M4[i, 0]));
                    for (int j = 1; j < 4; j++)
                        acc += s[c + j] * lift(MontyField31<TParams>.FromUInt64((ulong)M4[i, j]));
                    chunk[i] = acc;
                }
                Array.Copy(chunk, 0, s, c, 4);
            }
            var sums = new T[4];
            for (int i = 0; i < 4; i++)
            {
                sums[i] = s[i];
                for (int c = 4 + i; c < s.Length; c += 4)
                    sums[i] += s[c];
            }
            for (int i = 0; i < s.Length; i++)
                s[i] += sums[i % 4];
        }

        /// <summary>s_i ← Σ_j s_j + diag_i·s_i.</summary>
        public static void Internal<T>(T[] s, Func<int, MontyField31<TParams>> diagonal, Func<MontyField31<TParams>, T> lift)
            where T : IAdditionOperators<T, T, T>, IMultiplyOperators<T, T, T>
        {
            T sum = s[0];
            for (int i = 1; i < s.Length; i++)
                sum += s[i];
            for (int i = 0; i < s.Length; i++)
                s[i] = sum + s[i] * lift(diagonal(i));
        }
    }
}
