using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Prover.Core.Machine;
using Prover.Witness.Crypto;
using Prover.Witness.Formats;
using Prover.Witness.Ssz;
using Prover.Witness.Trie;

namespace Prover.Witness.Guest;

/// <summary>
/// A complete post-state as the state-dump guest writes it: the state root, every trie node reachable
/// from it (account trie and all storage tries, each once) and every account's code (each once).
/// </summary>
public sealed record PostStateDump(byte[] Root, List<byte[]> Nodes, List<byte[]> Codes)
{
    private static ReadOnlySpan<byte> Magic => "PSD1"u8;

    /// <summary>Largest node and code accepted: the canonical witness's element limits (List[u8, 1024], List[u8, 65536]).</summary>
    public const int MaxNodeBytes = 1024, MaxCodeBytes = 65536;

    /// <summary>
    /// Parses <c>"PSD1" | root[32] | u32 n | n × (u32 len | node) | u32 m | m × (u32 len | code)</c>
    /// (little-endian; native/guest/evm/dump_main.c). Counts are bounded by the bytes present before
    /// anything is allocated; every node must be at most 1024 and every code at most 65536 bytes (else it
    /// could not be a witness), the root node must be among the nodes (unless the state is empty), and
    /// nothing may follow. Errors are <see cref="FormatException"/>s with the byte offset.
    /// </summary>
    public static PostStateDump Parse(ReadOnlySpan<byte> dump)
    {
        int pos = 0;
        if (dump.Length < 4 + 32 + 4 || !dump[..4].SequenceEqual(Magic))
            Throw(0, "not a post-state dump (expected \"PSD1\", a root and counts)");
        var root = dump.Slice(4, 32).ToArray();
        pos = 36;
        var nodes = ReadItems(dump, ref pos, MaxNodeBytes, "node");
        var codes = ReadItems(dump, ref pos, MaxCodeBytes, "code");
        if (pos != dump.Length)
            Throw(pos, $"{dump.Length - pos} bytes after the codes");
        var rootHash = new Hash256(root);
        if (rootHash != PatriciaTrie.EmptyRoot)
        {
            if (!nodes.Any(n => Keccak256.HashToValue(n) == rootHash))
                Throw(36, $"the root node {Hex.ToHex(root)} is not among the {nodes.Count} nodes");
        }
        return new PostStateDump(root, nodes, codes);
    }

    private static List<byte[]> ReadItems(ReadOnlySpan<byte> dump, ref int pos, int maxItem, string what)
    {
        if (dump.Length - pos < 4)
            Throw(pos, $"truncated before the {what} count");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(dump[pos..]);
        pos += 4;
        if (count > (uint)(dump.Length - pos) / 4)
            Throw(pos - 4, $"{count} {what}s cannot fit in the {dump.Length - pos} bytes left");
        var items = new List<byte[]>((int)count);
        for (uint i = 0; i < count; i++)
        {
            if (dump.Length - pos < 4)
                Throw(pos, $"truncated at {what} {i}");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(dump[pos..]);
            if (len == 0 || len > maxItem)
                Throw(pos, $"{what} {i} has {len} bytes (1 to {maxItem} allowed)");
            pos += 4;
            if (len > (uint)(dump.Length - pos))
                Throw(pos, $"{what} {i} of {len} bytes runs past the end");
            items.Add(dump.Slice(pos, (int)len).ToArray());
            pos += (int)len;
        }
        return items;
    }

    [DoesNotReturn]
    private static void Throw(int offset, string message) => throw new FormatException($"post-state dump, byte {offset}: {message}");
}

/// <summary>The state-dump guest's run: the validator's own outcome, and the post-state of a valid block.</summary>
public sealed record PostStateRun(BlockExecution Execution, PostStateDump? PostState);

/// <summary>
/// The state-dump build of the guest (native/guest/evm/dump_main.c, committed as
/// <c>evm-guest-dump.elf</c> and rebuilt bit for bit by CI): the same validator as
/// <see cref="EthereumGuest"/>, which after a valid block appends the complete post-state to its
/// output. Never proven; it serves as the executor that builds the witness of the next block of a
/// chain (<see cref="Conversion.BlockchainTestConverter"/>).
/// </summary>
public static class StateDumpGuest
{
    private static readonly Lazy<GuestProgram> s_program = new(() => GuestProgram.FromElf(EthereumGuest.ReadResource("evm-guest-dump.elf")));

    /// <summary>The parsed dump program.</summary>
    public static GuestProgram Program => s_program.Value;

    /// <summary>Default limits: 2^36 cycles and 256 MiB of output (the dump of a state that large could not be a witness anyway).</summary>
    public static MachineOptions DefaultOptions { get; } = new() { MaxCycles = 1L << 36, MaxOutputBytes = 1L << 28 };

    /// <summary>
    /// Runs the dump guest on a canonical input. The first 43 output bytes are the validator's result
    /// (decoded into <see cref="BlockExecution.Validation"/>; the returned execution's output holds those
    /// 43 bytes only); a valid block's dump follows and is parsed into <see cref="PostStateRun.PostState"/>
    /// (a malformed dump, or bytes after an invalid block's result, is a <see cref="FormatException"/>). Machine faults surface as
    /// <see cref="MachineException"/>.
    /// </summary>
    public static PostStateRun Execute(ReadOnlySpan<byte> statelessInput, MachineOptions? options = null)
    {
        using var machine = new Machine(Program, statelessInput, options ?? DefaultOptions);
        var sw = Stopwatch.StartNew();
        var result = machine.Run();
        double ms = sw.Elapsed.TotalMilliseconds;
        if (!result.Success)
            return new PostStateRun(new BlockExecution(result, null, null, ms), null);
        if (result.Output.Length < StatelessValidationResult.Size)
            return new PostStateRun(new BlockExecution(result, null, $"the dump guest wrote {result.Output.Length} bytes, fewer than a result", ms), null);
        var head = result.Output.AsSpan(0, StatelessValidationResult.Size);
        var validation = StatelessValidationResult.Decode(head);
        var execution = new BlockExecution(result with { Output = head.ToArray() }, validation, null, ms);
        var rest = result.Output.AsSpan(StatelessValidationResult.Size);
        if (!validation.SuccessfulValidation)
        {
            if (!rest.IsEmpty)
                throw new FormatException($"the dump guest wrote {rest.Length} bytes after the result of an invalid block");
            return new PostStateRun(execution, null);
        }
        return new PostStateRun(execution, PostStateDump.Parse(rest));
    }
}
