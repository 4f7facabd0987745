using Prover.Core.Field;

namespace Prover.Core.Recursion;

/// <summary>
/// The Fiat–Shamir transcript inside a recursion program: <see cref="Challenger.DuplexChallenger{TParams, TDigest}"/>
/// with <see cref="Challenger.DuplexPadding.LengthBinding"/> (width 2L, rate L, L the digest's length), step for step.
/// The buffers are build-time lists of variables (how many values are observed between samples is fixed by the proof
/// shape), so only the permutations and the length-binding addition become instructions; a duplex over constants
/// (the statement's header) is folded away by the builder.
/// </summary>
public sealed class TranscriptVar<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private readonly RecursionBuilder<TParams, TDef> _b;
    private readonly Felt[] _state;
    private readonly List<Felt> _input = [];
    private readonly List<Felt> _output = [];

    public TranscriptVar(RecursionBuilder<TParams, TDef> builder, int digestLength)
    {
        _b = builder;
        Rate = digestLength;
        _state = Enumerable.Repeat(builder.Zero, 2 * digestLength).ToArray();
    }

    public int Rate { get; }

    public void Observe(Felt value)
    {
        _output.Clear();
        _input.Add(value);
        if (_input.Count == Rate)
            Duplex();
    }

    public void Observe(IEnumerable<Felt> values)
    {
        foreach (var v in values)
            Observe(v);
    }

    public void Observe(long constant) => Observe(_b.Constant(constant));

    public Felt Sample()
    {
        if (_input.Count != 0 || _output.Count == 0)
            Duplex();
        var v = _output[^1];
        _output.RemoveAt(_output.Count - 1);
        return v;
    }

    /// <summary>D samples, coefficient 0 first; returns the coefficients too (hints take them as arguments).</summary>
    public (Ext Value, Felt[] Coefficients) SampleExt()
    {
        var c = new Felt[RecursionBuilder<TParams, TDef>.D];
        for (int i = 0; i < c.Length; i++)
            c[i] = Sample();
        return (_b.FromCoefficients(c), c);
    }

    /// <summary>The low <paramref name="bits"/> bits of a sample (least significant first) and the sample itself.</summary>
    public (Felt[] Bits, Felt Sample) SampleBits(int bits)
    {
        var s = Sample();
        return (_b.Bits(s)[..bits], s);
    }

    private void Duplex()
    {
        int n = _input.Count;
        for (int i = 0; i < n; i++)
            _state[i] = _input[i];
        for (int i = n; i < Rate; i++)
            _state[i] = _b.Zero;
        _state[Rate] = _b.Add(_state[Rate], _b.Constant(n));
        _input.Clear();
        var permuted = _b.Permute(_state);
        permuted.CopyTo(_state, 0);
        _output.Clear();
        _output.AddRange(_state.AsSpan(0, Rate).ToArray());
    }
}
