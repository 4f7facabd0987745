namespace Prover.Witness.Rlp;

/// <summary>
/// Malformed or non-canonical RLP. <see cref="Offset"/> is the byte offset, from the start of the
/// input the outermost reader was created over, of the item (or byte) at fault.
/// </summary>
public sealed class RlpException : FormatException
{
    public RlpException()
    {
    }

    public RlpException(string message)
        : base(message)
    {
    }

    public RlpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RlpException(string message, int offset)
        : base($"RLP at byte {offset}: {message}")
    {
        Offset = offset;
    }

    /// <summary>Byte offset of the fault in the outermost input (−1 when unknown).</summary>
    public int Offset { get; } = -1;
}
