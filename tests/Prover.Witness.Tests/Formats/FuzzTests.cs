using System.Text;
using System.Text.Json;
using Prover.Witness.Conversion;
using Prover.Witness.Formats;
using HexUtil = Prover.Witness.Formats.Hex;
using Prover.Witness.Model;

namespace Prover.Witness.Tests.Formats;

/// <summary>
/// Malformed input never crashes: random bytes, truncations and single-byte corruptions of block
/// RLP, transactions and witness JSON either parse or fail with a FormatException (JsonException
/// for broken JSON text). Seeds are fixed and printed.
/// </summary>
public class FuzzTests
{
    private static bool Clean(Exception ex) => ex is FormatException or JsonException or NotSupportedException;

    private static void Survives(Action action, string what)
    {
        try { action(); }
        catch (Exception ex) when (Clean(ex)) { }
        catch (Exception ex) { Assert.Fail($"{what}: {ex.GetType().Name}: {ex.Message}"); }
    }

    [SharedFact]
    public void Corrupted_block_rlp_and_transactions_fail_cleanly()
    {
        using var doc = EthFixtures.Load("blockchain_tests/ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json");
        var rlp = doc.RootElement.EnumerateObject().First().Value.GetProperty("blocks")[0].GetProperty("rlp").Data("rlp");
        var rng = new Random(11);
        Console.WriteLine("seed 11");
        for (int len = 0; len < rlp.Length; len += 7)
            Survives(() => Block.Decode(rlp.AsSpan(0, len)), $"truncation {len}");
        var block = Block.Decode(rlp);
        for (int i = 0; i < 1500; i++)
        {
            var bad = (byte[])rlp.Clone();
            bad[rng.Next(bad.Length)] ^= (byte)(1 + rng.Next(255));
            Survives(() =>
            {
                foreach (var tx in Block.Decode(bad).Transactions)
                    Transaction.Decode(tx);
            }, $"corruption {i}");
            var tx = (byte[])block.Transactions[i % block.Transactions.Length].Clone();
            tx[rng.Next(tx.Length)] ^= (byte)(1 + rng.Next(255));
            // Key recovery costs about a millisecond: exercise it on a tenth of the corruptions.
            Survives(() => { var t = Transaction.Decode(tx); if (i % 10 == 0) t.TryRecoverPublicKey(out _); }, $"tx corruption {i}");
        }
        for (int i = 0; i < 2000; i++)
        {
            var random = new byte[rng.Next(0, 120)];
            rng.NextBytes(random);
            Survives(() => Block.Decode(random), "random block");
            Survives(() => Transaction.Decode(random), "random tx");
        }
    }

    [SharedFact]
    public void Corrupted_witness_json_fails_cleanly()
    {
        var text = File.ReadAllText(Path.Combine(EthFixtures.Root, "prague_witness/test_worst_precompile_fixed_cost-ecrecover.json"));
        var rng = new Random(12);
        Console.WriteLine("seed 12");
        const string alphabet = "0123456789abcdefx\"{}[],:. -gz";
        for (int i = 0; i < 150; i++)
        {
            var chars = text.ToCharArray();
            int at = rng.Next(chars.Length);
            chars[at] = alphabet[rng.Next(alphabet.Length)];
            string bad = i % 4 == 0 ? text[..rng.Next(text.Length)] : new string(chars);
            Survives(() =>
            {
                using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(bad));
                EfBenchmarkFixture.Convert(doc.RootElement);
            }, $"witness corruption {i} at {at}");
        }
        for (int i = 0; i < 500; i++)
        {
            var random = new byte[rng.Next(0, 200)];
            rng.NextBytes(random);
            Survives(() =>
            {
                using var doc = JsonDocument.Parse(random);
                ExecutionWitnessData.Parse(doc.RootElement);
            }, "random json");
        }
    }

    [Fact]
    public void Hex_parsing_is_strict()
    {
        Assert.Equal([0x12, 0xab], HexUtil.ParseData("0x12AB", "f"));
        Assert.Throws<FormatException>(() => HexUtil.ParseData("12ab", "f"));
        Assert.Throws<FormatException>(() => HexUtil.ParseData("0x123", "f"));
        Assert.Throws<FormatException>(() => HexUtil.ParseData("0x12g4", "f"));
        Assert.Throws<FormatException>(() => HexUtil.ParseFixed("0x12", 32, "f"));
        Assert.Equal(255, (int)HexUtil.ParseQuantity("0xff", "q"));
        Assert.Equal(15, (int)HexUtil.ParseQuantity("15", "q"));
        Assert.Throws<FormatException>(() => HexUtil.ParseQuantity("-1", "q"));
        Assert.Throws<FormatException>(() => HexUtil.ParseQuantity("0x", "q"));
        Assert.Throws<FormatException>(() => HexUtil.ParseUInt64("0x10000000000000000", "q"));
        var ex = Assert.Throws<FormatException>(() => HexUtil.ParseData("0xzz", "block.header.stateRoot"));
        Assert.Contains("block.header.stateRoot", ex.Message, StringComparison.Ordinal);
    }
}
