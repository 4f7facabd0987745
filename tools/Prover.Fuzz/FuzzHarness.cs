namespace Prover.Fuzz;

/// <summary>
/// One fuzz target: a parser fed arbitrary bytes. <see cref="Execute"/> returns normally when the parser
/// accepts the bytes or rejects them with its documented rejection type (<see cref="IsRejection"/>); any
/// other exception escapes and is a finding (AFL++ records it as a crash, the replay test fails on it).
/// </summary>
public abstract class FuzzHarness
{
    /// <summary>Command-line name, e.g. "rlp".</summary>
    public abstract string Name { get; }

    /// <summary>What the harness calls and what it accepts as a rejection.</summary>
    public abstract string Description { get; }

    /// <summary>Inputs larger than this are cut (AFL++'s own default maximum is 1 MB).</summary>
    public virtual int MaxInputBytes => 1 << 20;

    /// <summary>Feeds the bytes to the parser (and, for accepted inputs, to what consumes its result).</summary>
    protected abstract void Run(ReadOnlySpan<byte> data);

    /// <summary>The documented rejections of this parser.</summary>
    protected abstract bool IsRejection(Exception e);

    /// <summary>Runs one input: true when accepted, false when rejected as documented; throws on a finding.</summary>
    public bool Execute(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxInputBytes)
            data = data[..MaxInputBytes];
        try
        {
            Run(data);
            return true;
        }
        catch (Exception e) when (IsRejection(e))
        {
            return false;
        }
    }

    /// <summary>Seeds generated at run time (from the repository and from ../shared when present), named.</summary>
    public abstract IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources);
}
