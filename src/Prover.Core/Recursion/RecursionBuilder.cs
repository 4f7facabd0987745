using Prover.Core.Field;

namespace Prover.Core.Recursion;

/// <summary>A base-field variable of a recursion program (an index into its felt memory).</summary>
public readonly record struct Felt(int Id);

/// <summary>An extension-field variable of a recursion program (an index into its ext memory).</summary>
public readonly record struct Ext(int Id);

/// <summary>
/// Emits a <see cref="RecursionProgram"/>: C# code (the verifier, <see cref="RecursiveStarkVerifier{TParams, TDef, TDigest}"/>)
/// calls these methods in the order its computation runs, and loops over compile-time shapes simply unroll. Constants
/// are shared, and operations whose inputs are all constants are folded at build time (as are multiplications by one,
/// additions of zero and selects on constant bits), so the program holds only the work that depends on the proof.
/// </summary>
public sealed class RecursionBuilder<TParams, TDef>
    where TParams : struct, IMontyParameters
    where TDef : struct, IExtensionDefinition<MontyField31<TParams>, TDef>
{
    private readonly List<RecursionInstruction> _code = [];
    private readonly List<uint> _feltConstants = [];
    private readonly List<uint> _extConstants = [];
    private readonly List<string> _messages = [];
    private readonly List<int> _outputs = [];
    private readonly Dictionary<int, MontyField31<TParams>> _knownFelt = [];
    private readonly Dictionary<int, ExtensionField<MontyField31<TParams>, TDef>> _knownExt = [];
    private readonly Dictionary<MontyField31<TParams>, Felt> _feltByValue = [];
    private readonly Dictionary<ExtensionField<MontyField31<TParams>, TDef>, Ext> _extByValue = [];
    private int _felts, _exts;

    public static int D => TDef.Degree;

    private Felt NewFelt() => new(_felts++);

    private Ext NewExt() => new(_exts++);

    private void Emit(RecursionOp op, int dst, int a = 0, int b = 0, int c = 0, int[]? operands = null) =>
        _code.Add(new RecursionInstruction(op, dst, a, b, c, operands));

    // ---- constants ----

    public Felt Constant(MontyField31<TParams> value)
    {
        if (_feltByValue.TryGetValue(value, out var f))
            return f;
        f = NewFelt();
        _feltConstants.Add(value.ToCanonical());
        Emit(RecursionOp.FConst, f.Id, _feltConstants.Count - 1);
        _knownFelt[f.Id] = value;
        return _feltByValue[value] = f;
    }

    public Felt Constant(long value) => Constant(MontyField31<TParams>.FromUInt64((ulong)value));

    public Ext Constant(ExtensionField<MontyField31<TParams>, TDef> value)
    {
        if (_extByValue.TryGetValue(value, out var e))
            return e;
        e = NewExt();
        int index = _extConstants.Count / D;
        foreach (var c in value.Coefficients)
            _extConstants.Add(c.ToCanonical());
        Emit(RecursionOp.EConst, e.Id, index);
        _knownExt[e.Id] = value;
        return _extByValue[value] = e;
    }

    public Felt Zero => Constant(MontyField31<TParams>.Zero);

    public Felt One => Constant(MontyField31<TParams>.One);

    public Ext ExtZero => Constant(ExtensionField<MontyField31<TParams>, TDef>.Zero);

    public Ext ExtOne => Constant(ExtensionField<MontyField31<TParams>, TDef>.One);

    /// <summary>The value of a variable fixed at build time, if it is one.</summary>
    public bool TryConstant(Felt f, out MontyField31<TParams> value) => _knownFelt.TryGetValue(f.Id, out value);

    public bool TryConstant(Ext e, out ExtensionField<MontyField31<TParams>, TDef> value) => _knownExt.TryGetValue(e.Id, out value);

    // ---- base field ----

    public Felt Add(Felt a, Felt b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x + y);
        if (TryConstant(a, out x) && x.IsZero) return b;
        if (TryConstant(b, out y) && y.IsZero) return a;
        return FeltOp(RecursionOp.FAdd, a, b);
    }

    public Felt Sub(Felt a, Felt b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x - y);
        if (TryConstant(b, out y) && y.IsZero) return a;
        return FeltOp(RecursionOp.FSub, a, b);
    }

    public Felt Mul(Felt a, Felt b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x * y);
        if (TryConstant(a, out x) && x == MontyField31<TParams>.One) return b;
        if (TryConstant(b, out y) && y == MontyField31<TParams>.One) return a;
        return FeltOp(RecursionOp.FMul, a, b);
    }

    /// <summary>1/a; the program fails where a is zero.</summary>
    public Felt Inverse(Felt a)
    {
        if (TryConstant(a, out var x) && !x.IsZero) return Constant(x.Inverse());
        var r = NewFelt();
        Emit(RecursionOp.FInv, r.Id, a.Id);
        return r;
    }

    private Felt FeltOp(RecursionOp op, Felt a, Felt b)
    {
        var r = NewFelt();
        Emit(op, r.Id, a.Id, b.Id);
        return r;
    }

    /// <summary>bit ? a : b, for a bit known to be 0 or 1 (the executor and the chips check it).</summary>
    public Felt Select(Felt bit, Felt a, Felt b)
    {
        if (TryConstant(bit, out var c) && (c.IsZero || c == MontyField31<TParams>.One)) return c.IsZero ? b : a;
        if (a == b) return a;
        var r = NewFelt();
        Emit(RecursionOp.FSelect, r.Id, bit.Id, a.Id, b.Id);
        return r;
    }

    /// <summary>The 31 bits of a's canonical value, least significant first.</summary>
    public Felt[] Bits(Felt a)
    {
        const int N = 31;
        var bits = new Felt[N];
        if (TryConstant(a, out var x))
        {
            uint v = x.ToCanonical();
            for (int i = 0; i < N; i++)
                bits[i] = Constant((v >> i) & 1);
            return bits;
        }
        int first = _felts;
        _felts += N;
        Emit(RecursionOp.Bits, first, a.Id);
        for (int i = 0; i < N; i++)
            bits[i] = new Felt(first + i);
        return bits;
    }

    // ---- extension field ----

    public Ext Add(Ext a, Ext b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x + y);
        if (TryConstant(a, out x) && x.IsZero) return b;
        if (TryConstant(b, out y) && y.IsZero) return a;
        return ExtOp(RecursionOp.EAdd, a.Id, b.Id);
    }

    public Ext Sub(Ext a, Ext b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x - y);
        if (TryConstant(b, out y) && y.IsZero) return a;
        return ExtOp(RecursionOp.ESub, a.Id, b.Id);
    }

    public Ext Mul(Ext a, Ext b)
    {
        var one = ExtensionField<MontyField31<TParams>, TDef>.One;
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x * y);
        if (TryConstant(a, out x) && (x == one || x.IsZero)) return x.IsZero ? a : b;
        if (TryConstant(b, out y) && (y == one || y.IsZero)) return y.IsZero ? b : a;
        return ExtOp(RecursionOp.EMul, a.Id, b.Id);
    }

    public Ext Mul(Ext a, Felt b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x * y);
        if (TryConstant(b, out y) && y == MontyField31<TParams>.One) return a;
        if (TryConstant(a, out x) && x.IsZero) return a;
        return ExtOp(RecursionOp.EMulF, a.Id, b.Id);
    }

    /// <summary>acc + a·b in one instruction (<see cref="RecursionOp.EMulFAdd"/>), folded where an operand is a constant.</summary>
    public Ext MulAdd(Ext acc, Ext a, Felt b)
    {
        if (TryConstant(acc, out var z) && z.IsZero) return Mul(a, b);
        if ((TryConstant(a, out var x) && x.IsZero) || (TryConstant(b, out var y) && y.IsZero)) return acc;
        if (TryConstant(a, out x) && TryConstant(b, out y)) return Add(acc, Constant(x * y));
        if (TryConstant(b, out y) && y == MontyField31<TParams>.One) return Add(acc, a);
        var r = NewExt();
        Emit(RecursionOp.EMulFAdd, r.Id, a.Id, b.Id, acc.Id);
        return r;
    }

    /// <summary>acc + a·b in one instruction (<see cref="RecursionOp.EMulAdd"/>), folded where an operand is a constant.</summary>
    public Ext MulAdd(Ext acc, Ext a, Ext b)
    {
        var one = ExtensionField<MontyField31<TParams>, TDef>.One;
        if (TryConstant(acc, out var z) && z.IsZero) return Mul(a, b);
        if ((TryConstant(a, out var x) && x.IsZero) || (TryConstant(b, out var y) && y.IsZero)) return acc;
        if (TryConstant(a, out x) && TryConstant(b, out y)) return Add(acc, Constant(x * y));
        if (TryConstant(a, out x) && x == one) return Add(acc, b);
        if (TryConstant(b, out y) && y == one) return Add(acc, a);
        var r = NewExt();
        Emit(RecursionOp.EMulAdd, r.Id, a.Id, b.Id, acc.Id);
        return r;
    }

    public Ext Add(Ext a, Felt b)
    {
        if (TryConstant(a, out var x) && TryConstant(b, out var y)) return Constant(x + y);
        if (TryConstant(b, out y) && y.IsZero) return a;
        return ExtOp(RecursionOp.EAddF, a.Id, b.Id);
    }

    public Ext Lift(Felt a)
    {
        if (TryConstant(a, out var x)) return Constant(ExtensionField<MontyField31<TParams>, TDef>.FromBase(x));
        var r = NewExt();
        Emit(RecursionOp.EFromF, r.Id, a.Id);
        return r;
    }

    /// <summary>1/a; the program fails where a is zero.</summary>
    public Ext Inverse(Ext a)
    {
        if (TryConstant(a, out var x) && !x.IsZero) return Constant(x.Inverse());
        var r = NewExt();
        Emit(RecursionOp.EInv, r.Id, a.Id);
        return r;
    }

    private Ext ExtOp(RecursionOp op, int a, int b)
    {
        var r = NewExt();
        Emit(op, r.Id, a, b);
        return r;
    }

    public Ext Select(Felt bit, Ext a, Ext b)
    {
        if (TryConstant(bit, out var c) && (c.IsZero || c == MontyField31<TParams>.One)) return c.IsZero ? b : a;
        if (a == b) return a;
        var r = NewExt();
        Emit(RecursionOp.ESelect, r.Id, bit.Id, a.Id, b.Id);
        return r;
    }

    /// <summary>The element Σ coefficients[i]·X^i.</summary>
    public Ext FromCoefficients(ReadOnlySpan<Felt> coefficients)
    {
        if (coefficients.Length != D)
            throw new ArgumentException($"an extension element has {D} coefficients, got {coefficients.Length}", nameof(coefficients));
        var r = NewExt();
        Emit(RecursionOp.EFromCoeffs, r.Id, operands: coefficients.ToArray().Select(f => f.Id).ToArray());
        return r;
    }

    /// <summary>The D base coefficients of a.</summary>
    public Felt[] Coefficients(Ext a)
    {
        var result = new Felt[D];
        if (TryConstant(a, out var x))
        {
            for (int i = 0; i < D; i++)
                result[i] = Constant(x.Coefficients[i]);
            return result;
        }
        int first = _felts;
        _felts += D;
        Emit(RecursionOp.EToCoeffs, first, a.Id);
        for (int i = 0; i < D; i++)
            result[i] = new Felt(first + i);
        return result;
    }

    // ---- hashing, assertions, hints ----

    /// <summary>The Poseidon2 permutation of width state.Length (16 or 24) applied to the state.</summary>
    public Felt[] Permute(ReadOnlySpan<Felt> state)
    {
        if (state.Length is not (16 or 24))
            throw new ArgumentException($"Poseidon2 has width 16 or 24, not {state.Length}", nameof(state));
        var known = new MontyField31<TParams>[state.Length];
        bool allKnown = true;
        for (int i = 0; i < state.Length && allKnown; i++)
            allKnown = TryConstant(state[i], out known[i]);
        if (allKnown)
        {
            // A permutation of constants (the transcript's header, for one) is computed here, not in the program.
            RecursionExecutor<TParams, TDef>.Permutation(state.Length).Permute(known);
            return known.Select(Constant).ToArray();
        }
        int first = _felts;
        _felts += state.Length;
        Emit(RecursionOp.Permute, first, operands: state.ToArray().Select(f => f.Id).ToArray());
        var result = new Felt[state.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = new Felt(first + i);
        return result;
    }

    /// <summary>
    /// The permutation of <paramref name="state"/> with its two halves swapped where <paramref name="bit"/> is 1
    /// (<see cref="RecursionOp.PermuteSwap"/>): a Merkle step on (node ‖ sibling) ordered by the index bit. The bit must be
    /// 0 or 1 (the executor and the chip check it); a constant bit gives a plain permutation of the ordered state.
    /// </summary>
    public Felt[] PermuteSwap(Felt bit, ReadOnlySpan<Felt> state)
    {
        if (state.Length is not (16 or 24))
            throw new ArgumentException($"Poseidon2 has width 16 or 24, not {state.Length}", nameof(state));
        int half = state.Length / 2;
        if (TryConstant(bit, out var c) && (c.IsZero || c == MontyField31<TParams>.One))
            return c.IsZero ? Permute(state) : Permute([.. state[half..], .. state[..half]]);
        int first = _felts;
        _felts += state.Length;
        Emit(RecursionOp.PermuteSwap, first, bit.Id, operands: state.ToArray().Select(f => f.Id).ToArray());
        var result = new Felt[state.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = new Felt(first + i);
        return result;
    }

    private int Message(string message)
    {
        _messages.Add(message);
        return _messages.Count - 1;
    }

    /// <summary>The run fails with <paramref name="message"/> unless a = b.</summary>
    public void AssertEqual(Felt a, Felt b, string message)
    {
        if (a == b) return;
        Emit(RecursionOp.AssertEqF, 0, a.Id, b.Id, Message(message));
    }

    public void AssertEqual(Ext a, Ext b, string message)
    {
        if (a == b) return;
        Emit(RecursionOp.AssertEqE, 0, a.Id, b.Id, Message(message));
    }

    /// <summary>Reads <paramref name="count"/> felts of untrusted witness data from hint channel <paramref name="channel"/>, passing it the values of <paramref name="arguments"/>.</summary>
    public Felt[] Hint(int channel, int count, params Felt[] arguments)
    {
        int first = _felts;
        _felts += count;
        Emit(RecursionOp.Hint, first, channel, count, 0, arguments.Select(f => f.Id).ToArray());
        var result = new Felt[count];
        for (int i = 0; i < count; i++)
            result[i] = new Felt(first + i);
        return result;
    }

    /// <summary>Reads <paramref name="count"/> extension elements of hint data (D felts each, coefficient 0 first).</summary>
    public Ext[] HintExt(int channel, int count, params Felt[] arguments)
    {
        var felts = Hint(channel, count * D, arguments);
        var result = new Ext[count];
        for (int i = 0; i < count; i++)
            result[i] = FromCoefficients(felts.AsSpan(i * D, D));
        return result;
    }

    /// <summary>Appends felts to the program's public outputs.</summary>
    public void Output(params Felt[] values)
    {
        foreach (var v in values)
            _outputs.Add(v.Id);
    }

    /// <summary>Appends an extension element's coefficients to the program's public outputs.</summary>
    public void Output(Ext value) => Output(Coefficients(value));

    /// <summary>The program built so far.</summary>
    public RecursionProgram Build() =>
        new([.. _code], _felts, _exts, [.. _feltConstants], [.. _extConstants], [.. _messages], D, [.. _outputs]);
}
