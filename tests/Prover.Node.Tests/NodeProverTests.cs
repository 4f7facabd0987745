using Prover.Core.Zkvm.Proving;
using Prover.Node.Eip8025;

namespace Prover.Node.Tests;

/// <summary>The library entry point: execute, prove, verify, progress, cancellation, EIP-8025 wrapping and verification.</summary>
public class NodeProverTests
{
    private static readonly byte[] Root = [.. Enumerable.Range(0, 32).Select(i => (byte)(0xC0 + i))];

    [Fact]
    public async Task ExecutesTheExampleBlockThroughTheEthereumGuest()
    {
        using var prover = new NodeProver(new NodeProverOptions { Configuration = ProofConfiguration.Development });
        var input = BlockInput.Example();
        var outcome = await prover.ExecuteAsync(input);
        Assert.NotNull(outcome.Validation);
        Assert.True(outcome.Validation.SuccessfulValidation);
        // The guest's root is the one the host computes from the same input.
        Assert.Equal(ProverGuest.Ethereum.InputRoot(input.Bytes), outcome.Validation.NewPayloadRequestRoot);
        var r = outcome.Report;
        // The report's cycles are the guest's: the same input run directly on the emulator takes as many.
        Assert.Equal(Prover.Witness.Guest.EthereumGuest.Execute(input.Bytes).Result.Cycles, r.TotalNumCycles);
        Assert.True(r.OutputMatched);
        Assert.NotNull(r.BlockNumber);
        Assert.Null(r.ProvingTimeMs);
        Assert.Equal("0x" + Convert.ToHexStringLower(outcome.Validation.NewPayloadRequestRoot), r.NewPayloadRequestRoot);
    }

    [Fact]
    public async Task ProvesVerifiesAndWrapsAnExecutionProof()
    {
        using var prover = new NodeProver(TestGuests.Options);
        var input = new BlockInput("hello", TestGuests.ResultFor(Root));
        var seen = new List<ProverProgress>();
        var outcome = await prover.ProveAsync(input, new TestGuests.SyncProgress<ProverProgress>(seen.Add));

        Assert.Equal([ProverPhase.Execute, ProverPhase.TraceGeneration, ProverPhase.MainCommitments, ProverPhase.ShardProofs, ProverPhase.Verify, ProverPhase.Done],
            seen.Select(p => p.Phase).Distinct());
        Assert.Contains(new ProverProgress(ProverPhase.ShardProofs, 1, 1), seen);
        Assert.True(outcome.Report.Verified);
        Assert.Equal(outcome.Proof.Length, outcome.Report.ProofSize);
        Assert.Equal("development", outcome.Report.Config);
        Assert.Equal(Root, outcome.Validation!.NewPayloadRequestRoot);

        var check = await prover.VerifyAsync(outcome.Proof, input.Bytes);
        Assert.True(check.IsValid, check.Error);
        Assert.True(check.ProvableBits < 100);
        // A verifier with the default policy refuses the development proof as insecure, naming the level.
        using (var strict = new NodeProver(TestGuests.Options with { AcceptInsecureProofs = false }))
        {
            var refused = await strict.VerifyAsync(outcome.Proof);
            Assert.False(refused.IsValid);
            Assert.Contains("insecure proof", refused.Error);
            Assert.False((await strict.VerifyExecutionProofAsync(prover.ToExecutionProof(outcome), Root)).IsValid);
        }
        Assert.False((await prover.VerifyAsync(outcome.Proof, TestGuests.ResultFor(new byte[32]))).IsValid);

        var executionProof = prover.ToExecutionProof(outcome);
        Assert.Equal(ProofTypeDescriptor.Default.Id, executionProof.ProofType);
        Assert.Equal(Root, executionProof.PublicInput.NewPayloadRequestRoot);
        var limit = prover.Options.ProofType.MaxProofSize;
        var wire = ExecutionProof.Decode(executionProof.Encode(limit), limit);
        Assert.True((await prover.VerifyExecutionProofAsync(wire, Root)).IsValid);

        // Another root, a relabelled public input, another proof type, or one flipped proof byte: invalid.
        var other = (byte[])Root.Clone();
        other[5] ^= 1;
        Assert.False((await prover.VerifyExecutionProofAsync(wire, other)).IsValid);
        var relabelled = new ExecutionProof(wire.ProofData, wire.ProofType, new PublicInput(other));
        var verdict = await prover.VerifyExecutionProofAsync(relabelled, other);
        Assert.False(verdict.IsValid);
        Assert.Contains("another payload root", verdict.Reason);
        Assert.False((await prover.VerifyExecutionProofAsync(new ExecutionProof(wire.ProofData, 7, wire.PublicInput), Root)).IsValid);
        var tampered = (byte[])wire.ProofData.Clone();
        tampered[tampered.Length / 2] ^= 0x10;
        Assert.False((await prover.VerifyExecutionProofAsync(new ExecutionProof(tampered, wire.ProofType, wire.PublicInput), Root)).IsValid);
    }

    [Fact]
    public async Task SameInputGivesTheSameProofBytesAsTheCoreProver()
    {
        using var prover = new NodeProver(TestGuests.Options);
        var input = TestGuests.ResultFor(Root);
        var viaLibrary = await prover.ProveAsync(new BlockInput("hello", input));
        var (direct, _) = ZkvmProofs.Prove(TestGuests.Hello.Program, input, "development", 1L << 10);
        Assert.Equal(direct, viaLibrary.Proof);
    }

    [Fact]
    public async Task AnInvalidVerdictCannotBecomeAnExecutionProof()
    {
        using var prover = new NodeProver(TestGuests.Options);
        var outcome = await prover.ProveAsync(new BlockInput("hello", TestGuests.ResultFor(Root, valid: false)));
        Assert.False(outcome.Validation!.SuccessfulValidation);
        Assert.Throws<InvalidOperationException>(() => prover.ToExecutionProof(outcome));
        var forged = new ExecutionProof(outcome.Proof, prover.Options.ProofType.Id, new PublicInput(Root));
        var verdict = await prover.VerifyExecutionProofAsync(forged, Root);
        Assert.False(verdict.IsValid);
        Assert.Contains("invalid", verdict.Reason);
    }

    [Fact]
    public async Task CancellationStopsAProofBetweenShardSteps()
    {
        using var prover = new NodeProver(TestGuests.Options);
        var input = new BlockInput("hello", TestGuests.ResultFor(Root));
        using var before = new CancellationTokenSource();
        before.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prover.ProveAsync(input, null, before.Token));

        using var during = new CancellationTokenSource();
        var phases = new List<ProverPhase>();
        var progress = new TestGuests.SyncProgress<ProverProgress>(p =>
        {
            phases.Add(p.Phase);
            if (p.Phase == ProverPhase.TraceGeneration)
                during.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prover.ProveAsync(input, progress, during.Token));
        Assert.DoesNotContain(ProverPhase.ShardProofs, phases);
        // The slot is free again: a later proof runs.
        Assert.True((await prover.ProveAsync(input)).Report.Verified);
    }

    [Fact]
    public void RejectsBadOptions()
    {
        Assert.Throws<ArgumentException>(() => new NodeProver(new NodeProverOptions { LogShardSize = 9 }));
        Assert.Throws<ArgumentException>(() => new NodeProver(new NodeProverOptions { MaxConcurrentProofs = 0 }));
        Assert.Same(ProofConfiguration.Provable128, ProofConfiguration.FromName("provable-128"));
        Assert.Null(ProofConfiguration.FromName("fast"));
    }
}
