using System.CommandLine;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using Prover.Witness.Model;
using Prover.Witness.Ssz;

namespace Prover.Cli;

/// <summary><c>prover inspect &lt;file.ssz&gt;</c>: a readable summary of a canonical input (or a 43-byte result).</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "a StatelessInput (.ssz, with schema id) or a 43-byte StatelessValidationResult" };
        var command = new Command("inspect", "print a readable summary of a canonical StatelessInput or StatelessValidationResult") { file };
        command.SetAction(parse => Run(parse.GetValue(file)!));
        return command;
    }

    private static int Run(FileInfo file)
    {
        try
        {
            // Anything larger than the guest's input region cannot be an input.
            var bytes = FileLimits.Read(file, (long)Prover.Core.Machine.MemoryMap.InputMaxSize, "the input region");
            if (bytes.Length == StatelessValidationResult.Size)
                PrintResult(StatelessValidationResult.Decode(bytes));
            else
                PrintInput(StatelessInput.Decode(bytes), bytes.Length);
            return 0;
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {file.Name}: {ex.Message}");
            return 1;
        }
    }

    private static void PrintResult(StatelessValidationResult r)
    {
        Console.WriteLine("StatelessValidationResult (43 bytes)");
        Console.WriteLine($"  new_payload_request root  {Hex.ToHex(r.NewPayloadRequestRoot)}");
        Console.WriteLine($"  successful_validation     {r.SuccessfulValidation}");
        Console.WriteLine($"  chain_id                  {r.ChainId}");
        Console.WriteLine($"  schema_id                 0x{r.SchemaId:x4}");
    }

    private static void PrintInput(StatelessInput input, int size)
    {
        var npr = input.NewPayloadRequest;
        var p = npr.ExecutionPayload;
        Console.WriteLine($"StatelessInput  {size:N0} bytes  schema 0x{input.SchemaId:x4} ({input.Fork})  chain id {input.ChainId}");
        Console.WriteLine($"  block            {p.BlockNumber}  {Hex.ToHex(p.BlockHash)}");
        Console.WriteLine($"  parent           {Hex.ToHex(p.ParentHash)}");
        Console.WriteLine($"  state root       {Hex.ToHex(p.StateRoot)}");
        Console.WriteLine($"  receipts root    {Hex.ToHex(p.ReceiptsRoot)}");
        Console.WriteLine($"  fee recipient    {Hex.ToHex(p.FeeRecipient)}");
        Console.WriteLine($"  timestamp        {p.Timestamp} ({DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(p.Timestamp, 253402300799UL)):u})");
        Console.WriteLine($"  gas              used {p.GasUsed:N0} of {p.GasLimit:N0}, base fee {p.BaseFeePerGas}");
        Console.WriteLine(npr.Fork.HasBlobFields()
            ? $"  blob gas         used {p.BlobGasUsed:N0}, excess {p.ExcessBlobGas:N0}, {npr.VersionedHashes.Length} versioned hashes"
            : "  blob gas         (none before Cancun)");
        Console.WriteLine($"  extra data       {Hex.ToHex(p.ExtraData)}");
        var types = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var tx in p.Transactions)
        {
            string kind = tx.Length == 0 ? "empty" : tx[0] >= 0xc0 ? "legacy" : $"type {tx[0]}";
            types[kind] = types.GetValueOrDefault(kind) + 1;
        }
        Console.WriteLine($"  transactions     {p.Transactions.Length} ({string.Join(", ", types.Select(t => $"{t.Value} {t.Key}"))}), {p.Transactions.Sum(t => (long)t.Length):N0} bytes");
        Console.WriteLine($"  withdrawals      {p.Withdrawals.Length}");
        if (npr.ExecutionRequests is { } req)
            Console.WriteLine($"  requests         {req.Deposits.Length} deposits, {req.Withdrawals.Length} withdrawals, {req.Consolidations.Length} consolidations");
        Console.WriteLine($"  beacon root      {(npr.ParentBeaconBlockRoot is { } pbr ? Hex.ToHex(pbr) : "(none before Cancun)")}");
        var w = input.Witness;
        Console.WriteLine($"  witness          {w.State.Length} nodes ({w.State.Sum(n => (long)n.Length):N0} bytes), {w.Codes.Length} codes ({w.Codes.Sum(n => (long)n.Length):N0} bytes), {w.Headers.Length} headers");
        if (w.Headers.Length > 0)
        {
            try
            {
                var parent = BlockHeader.Decode(w.Headers[^1]);
                Console.WriteLine($"  parent header    block {parent.Number}, state root {Hex.ToHex(parent.StateRoot)}");
            }
            catch (FormatException ex)
            {
                Console.WriteLine($"  parent header    undecodable: {ex.Message}");
            }
        }
        int zeroKeys = input.PublicKeys.Count(k => k.All(b => b == 0));
        Console.WriteLine($"  public keys      {input.PublicKeys.Length}" + (zeroKeys > 0 ? $" ({zeroKeys} zero: unrecoverable signatures)" : ""));
        for (int i = 0; i < Math.Min(input.PublicKeys.Length, 8); i++)
            if (input.PublicKeys[i].Any(b => b != 0))
                Console.WriteLine($"    sender {i,3}     {Hex.ToHex(Transaction.AddressOf(input.PublicKeys[i]))}");
        if (input.PublicKeys.Length != p.Transactions.Length)
            Console.WriteLine($"  WARNING: {input.PublicKeys.Length} public keys for {p.Transactions.Length} transactions");
        bool headerOk;
        try { headerOk = HeaderReconstruction.Matches(npr); }
        catch (FormatException) { headerOk = false; }
        Console.WriteLine($"  header check     {(headerOk ? "rebuilt header hashes to block_hash" : "MISMATCH: rebuilt header does not hash to block_hash")}");
        Console.WriteLine($"  request root     {Hex.ToHex(npr.HashTreeRoot())}");
    }
}
