namespace Prover.Core.Field;

/// <summary>
/// One SIMD width of <see cref="PackedMontyField31{TParams}"/> arithmetic, as static members, so a
/// packed kernel written once over <typeparamref name="TV"/> runs at every width: the JIT specialises
/// it per implementing struct (<see cref="Lanes512{TParams}"/>: 16 lanes of AVX-512,
/// <see cref="Lanes256{TParams}"/>: 8 lanes of AVX2) and inlines every member. Values are Montgomery
/// words, canonical in [0, p), exactly those of the scalar field lane by lane. Callers choose the width
/// at run time (<c>KernelSelection.Simd</c>) and call a width only where its instruction set exists.
/// </summary>
internal interface IPackedLanes<TV> where TV : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane equal to one Montgomery word.</summary>
    static abstract TV Broadcast(uint montgomery);

    /// <summary>Lanes from the first <see cref="Count"/> words.</summary>
    static abstract TV Create(ReadOnlySpan<uint> words);

    /// <summary>Writes the lanes to the first <see cref="Count"/> words.</summary>
    static abstract void Store(TV value, Span<uint> words);

    /// <summary>One lane's word.</summary>
    static abstract uint Get(TV value, int lane);

    static abstract TV Add(TV a, TV b);

    static abstract TV Sub(TV a, TV b);

    static abstract TV Mul(TV a, TV b);

    static abstract TV Neg(TV a);

    /// <summary>All-ones lanes where <paramref name="value"/> is 0, zero lanes elsewhere.</summary>
    static abstract TV ZeroMask(TV value);

    /// <summary>True when every lane of the mask is set.</summary>
    static abstract bool AllSet(TV mask);

    /// <summary>mask ? ifSet : ifClear, lane by lane.</summary>
    static abstract TV Select(TV mask, TV ifSet, TV ifClear);

    /// <summary>value with the lanes of mask cleared.</summary>
    static abstract TV Clear(TV value, TV mask);
}
