using Prover.Core.Air;
using Prover.Core.Field;
using Prover.Core.Matrix;

namespace Prover.Core.Zkvm.Memory;

/// <summary>Columns of <see cref="ImageTable{F}"/>.</summary>
public static class ImageCols
{
    /// <summary>Preprocessed: 1 on the rows holding a tuple (a prefix), 0 on padding.</summary>
    public const int Real = 0;

    /// <summary>Preprocessed: the memory key (RAM double word A/8 or register 2^29 + r; below 2^29 + 2^5 &lt; p, one element).</summary>
    public const int Key = 1;

    /// <summary>Preprocessed: the value's four 16-bit limbs v0..v3.</summary>
    public const int Value = 2;

    public const int PreprocessedWidth = 6;

    /// <summary>Main: the send multiplicity, forced to Real · Active.</summary>
    public const int Multiplicity = 0;

    /// <summary>Public value: 1 in the one shard that sends the image (the last), 0 in every other; checked by the verifier.</summary>
    public const int PublicActive = 0;

    public const int PublicValueCount = 1;
}

/// <summary>
/// The program's initial memory as a preprocessed table (docs/zkvm.md, "Memory argument"; docs/design.md, "The
/// image as a preprocessed table"): one preprocessed row (1, key, v0..v3) per non-zero double word of the loaded image
/// and per non-zero initial register, keys increasing, zero rows up to a power of two; one main column, the multiplicity;
/// one public value, Active. Every row sends (key, v0..v3) on <see cref="ZkvmBus.InitialValue"/> with multiplicity
/// m = Real · Active, which the bound <see cref="MemoryInitAir{F}"/> receives.
/// <para>
/// Soundness: the tuples are the verifying key's (the preprocessed commitment is part of the program's key and observed
/// by the global transcript), so the table can send nothing but the program's true initial memory. The prover chooses
/// neither which rows send nor how often: m = Real · Active is a constraint with Real fixed by the key, and m is asserted
/// boolean (its bus bound is 1 per row). Active is a public value the verifier checks to be exactly 1 in the last shard
/// and 0 in every other; the chip is required in every shard (so its key is the same subset of the one key in every
/// shard), so over the whole execution each image tuple is sent exactly once — it cannot be dropped (Active = 0 in the
/// last shard is rejected), sent twice or sent from another shard (Active = 1 elsewhere is rejected). The tuples this
/// sends are exactly those the verifier sent itself before (<see cref="Proving.ZkvmStatement.ImageBusSumReference{TDef}"/>).
/// </para>
/// </summary>
public sealed class ImageTable<F> : IAir<F> where F : struct, IField<F>
{
    private readonly (ulong Key, ulong Value)[] _entries;

    /// <param name="entries">The (key, value) tuples, keys strictly increasing, values non-zero.</param>
    public ImageTable(IReadOnlyList<(ulong Key, ulong Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Key >= MemoryArgument.RegisterKeyBase + 32)
                throw new ArgumentException($"key {_entries[i].Key} is out of range", nameof(entries));
            if (i > 0 && _entries[i].Key <= _entries[i - 1].Key)
                throw new ArgumentException("image keys must increase", nameof(entries));
        }
        Height = Word.TraceHeight(_entries.Length);
    }

    public string Name => "image";

    public int Width => 1;

    public int PreprocessedWidth => ImageCols.PreprocessedWidth;

    public int PublicValueCount => ImageCols.PublicValueCount;

    /// <summary>Table height: the tuple count rounded up to a power of two (at least 2); fixed by the program.</summary>
    public int Height { get; }

    /// <summary>The tuples, in row order.</summary>
    public IReadOnlyList<(ulong Key, ulong Value)> Entries => _entries;

    public RowMajorMatrix<F>? PreprocessedTrace(int height)
    {
        if (height != Height)
            throw new ArgumentException($"{Name} has {Height} rows, not {height}", nameof(height));
        var m = new RowMajorMatrix<F>(height, ImageCols.PreprocessedWidth);
        for (int r = 0; r < _entries.Length; r++)
        {
            var row = m.Row(r);
            row[ImageCols.Real] = F.One;
            row[ImageCols.Key] = F.FromUInt64(_entries[r].Key);
            Word.Write(row, ImageCols.Value, _entries[r].Value);
        }
        return m;
    }

    public void Eval(AirBuilder<F> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var prep = builder.PreprocessedLocal;
        var m = builder.Local[ImageCols.Multiplicity];
        // m is fixed: the key's Real times the verifier-checked Active (see the class comment). Boolean, so the bus budget
        // counts one send per row (MultiplicityBounds reads the assertion).
        builder.AssertBool(m);
        builder.AssertEq(m, prep[ImageCols.Real] * builder.PublicValues[ImageCols.PublicActive]);
        builder.Send(ZkvmBus.InitialValue, [prep[ImageCols.Key], .. Enumerable.Range(0, Word.Limbs).Select(i => prep[ImageCols.Value + i])], m);
    }

    /// <summary>The multiplicity column: 1 on the tuple rows when <paramref name="active"/>, else all zero.</summary>
    public RowMajorMatrix<F> GenerateTrace(bool active)
    {
        var m = new RowMajorMatrix<F>(Height, 1);
        if (active)
            for (int r = 0; r < _entries.Length; r++)
                m[r, ImageCols.Multiplicity] = F.One;
        return m;
    }

    /// <summary>The public values: [Active].</summary>
    public static F[] PublicValues(bool active) => [active ? F.One : F.Zero];
}
