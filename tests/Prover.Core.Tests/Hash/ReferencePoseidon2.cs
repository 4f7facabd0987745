using System.Text.Json;
using Prover.Core.Field;

namespace Prover.Core.Tests.Hash;

/// <summary>
/// A deliberately plain Poseidon2, written from the vectors' <c>algorithm</c> string with field
/// operators and the constants read straight from the JSON (not from the library's tables), so it
/// shares no code with the optimised implementation.
/// </summary>
internal sealed class ReferencePoseidon2<TParams> where TParams : struct, IMontyParameters
{
    private readonly int _width;
    private readonly int _degree;
    private readonly MontyField31<TParams>[][] _initial;
    private readonly MontyField31<TParams>[][] _final;
    private readonly MontyField31<TParams>[] _internal;
    private readonly MontyField31<TParams>[] _diag;

    public ReferencePoseidon2(JsonElement widthSection)
        : this(widthSection.GetProperty("sbox_degree").GetInt32(),
            widthSection.GetProperty("round_constants_external_initial").U32Matrix(),
            widthSection.GetProperty("round_constants_external_final").U32Matrix(),
            widthSection.GetProperty("round_constants_internal").U32Array(),
            widthSection.GetProperty("internal_diagonal").U32Array())
    {
    }

    public ReferencePoseidon2(int degree, uint[][] initial, uint[][] final, uint[] internalConstants, uint[] diagonal)
    {
        static MontyField31<TParams>[] Row(uint[] r) => r.Select(MontyField31<TParams>.FromCanonical).ToArray();
        _degree = degree;
        _initial = initial.Select(Row).ToArray();
        _final = final.Select(Row).ToArray();
        _internal = Row(internalConstants);
        _diag = Row(diagonal);
        _width = _diag.Length;
    }

    public uint[] Permute(uint[] canonical)
    {
        var s = canonical.Select(MontyField31<TParams>.FromCanonical).ToArray();
        Assert.Equal(_width, s.Length);
        MLight(s);
        foreach (var rc in _initial)
            FullRound(s, rc);
        foreach (var c in _internal)
        {
            s[0] = Pow(s[0] + c);
            var sum = MontyField31<TParams>.Zero;
            foreach (var x in s)
                sum += x;
            for (int i = 0; i < _width; i++)
                s[i] = sum + _diag[i] * s[i];
        }
        foreach (var rc in _final)
            FullRound(s, rc);
        return s.Select(x => x.ToCanonical()).ToArray();
    }

    private MontyField31<TParams> Pow(MontyField31<TParams> x) => x.Pow((ulong)_degree);

    private void FullRound(MontyField31<TParams>[] s, MontyField31<TParams>[] rc)
    {
        for (int i = 0; i < _width; i++)
            s[i] = Pow(s[i] + rc[i]);
        MLight(s);
    }

    private static readonly int[,] M4 = { { 2, 3, 1, 1 }, { 1, 2, 3, 1 }, { 1, 1, 2, 3 }, { 3, 1, 1, 2 } };

    private static void MLight(MontyField31<TParams>[] s)
    {
        for (int c = 0; c < s.Length; c += 4)
        {
            var chunk = s.AsSpan(c, 4).ToArray();
            for (int r = 0; r < 4; r++)
            {
                var acc = MontyField31<TParams>.Zero;
                for (int k = 0; k < 4; k++)
                    acc += MontyField31<TParams>.FromCanonical((uint)M4[r, k]) * chunk[k];
                s[c + r] = acc;
            }
        }
        var colSums = new MontyField31<TParams>[4];
        for (int i = 0; i < s.Length; i++)
            colSums[i % 4] += s[i];
        for (int i = 0; i < s.Length; i++)
            s[i] += colSums[i % 4];
    }
}
