using System.Diagnostics.CodeAnalysis;

namespace Prover.Witness.Ssz;

/// <summary>Malformed SSZ input. <see cref="Offset"/> is the byte position (from the start of the decoded buffer) where decoding failed.</summary>
public sealed class SszException : FormatException
{
    public SszException() : this("malformed SSZ", 0) { }

    public SszException(string message) : this(message, 0) { }

    public SszException(string message, Exception inner) : base(message, inner) { }

    public SszException(string message, long offset) : base($"SSZ: {message} (at byte {offset})") => Offset = offset;

    /// <summary>Byte position where decoding failed.</summary>
    public long Offset { get; }

    [DoesNotReturn]
    internal static void Throw(string message, long offset) => throw new SszException(message, offset);
}
