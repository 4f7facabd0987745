using Prover.Witness.Crypto;

namespace Prover.Witness.Trie;

/// <summary>
/// A walk reached a node referenced by hash that the witness does not contain. The witness is
/// incomplete for this access; the key is neither present nor absent as far as we can tell.
/// </summary>
public sealed class WitnessIncompleteException : Exception
{
    public WitnessIncompleteException()
        : base("A trie node needed for this access is missing from the witness.")
    {
    }

    public WitnessIncompleteException(string message)
        : base(message)
    {
    }

    public WitnessIncompleteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WitnessIncompleteException(Hash256 missingNode)
        : base($"Trie node {missingNode} is missing from the witness.")
    {
        MissingNode = missingNode;
    }

    /// <summary>Hash of the node that was needed and not found.</summary>
    public Hash256 MissingNode { get; }
}

/// <summary>A trie node that is not a well-formed leaf, extension or branch (or not canonically encoded).</summary>
public sealed class InvalidTrieNodeException : FormatException
{
    public InvalidTrieNodeException()
    {
    }

    public InvalidTrieNodeException(string message)
        : base(message)
    {
    }

    public InvalidTrieNodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
