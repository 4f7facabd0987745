using System.Text.Json;
using Prover.Core.Zkvm.Proving;

namespace Prover.Cli.Tests;

public sealed partial class CliTests
{
    [Fact]
    public void Prove_stage_shards_is_the_default_and_writes_the_shard_proof_file_unchanged()
    {
        // --stage shards (the default) writes exactly the file the shard prover makes (ZkvmProofs.Prove, the path `prove`
        // took before stages existed): the same bytes with and without the option, and as the library's.
        string elf = Path.Combine(Prover.TestSupport.SharedData.RepositoryRoot, "native", "guest", "tests", "elf", "hello.elf");
        string plain = Path.Combine(_dir, "plain.bin"), staged = Path.Combine(_dir, "staged.bin");
        var (exit, output, error) = Run("prove", "--elf", elf, "--config", "development", "--log-shard-size", "10", "--out", plain, "--json");
        Assert.True(exit == 0, error);
        using (var doc = JsonDocument.Parse(output))
            Assert.Equal("shards", doc.RootElement.GetProperty("stage").GetString());
        (exit, _, error) = Run("prove", "--elf", elf, "--config", "development", "--log-shard-size", "10", "--stage", "shards", "--out", staged);
        Assert.True(exit == 0, error);
        var bytes = File.ReadAllBytes(plain);
        Assert.Equal(bytes, File.ReadAllBytes(staged));
        var (library, _) = ZkvmProofs.Prove(ZkvmProgram.FromElf(File.ReadAllBytes(elf)), [], "development", shardSize: 1 << 10);
        Assert.Equal(library, bytes);

        // verify --json reports the size, the security and a (warm) verification time for every proof kind.
        var verified = Run("verify", plain, "--elf", elf, "--allow-insecure", "--json");
        Assert.True(verified.Exit == 0, verified.Err + verified.Out);
        using (var doc = JsonDocument.Parse(verified.Out))
        {
            var r = doc.RootElement;
            Assert.True(r.GetProperty("valid").GetBoolean());
            Assert.Equal("zkvm", r.GetProperty("statement").GetString());
            Assert.Equal(bytes.Length, r.GetProperty("proof_size").GetInt32());
            Assert.True(r.GetProperty("provable_bits").GetInt32() > 0);
            Assert.True(r.GetProperty("conjectured_bits").GetInt32() >= r.GetProperty("provable_bits").GetInt32());
            Assert.True(r.GetProperty("verification_time_ms").GetDouble() > 0);
            Assert.Equal(Convert.ToHexStringLower("hello, zkvm\n"u8), r.GetProperty("output").GetString());
        }

        // An unknown stage is an argument error.
        Assert.NotEqual(0, Run("prove", "--elf", elf, "--stage", "nope", "--out", Path.Combine(_dir, "x.bin")).Exit);
    }
}
