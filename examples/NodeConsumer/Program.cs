// Node software's view of the prover: only the Prover.Node package. Executes the embedded example block
// through the Ethereum guest, then proves, verifies and wraps an EIP-8025 ExecutionProof. Proving a whole
// block takes ~15 GB and minutes on a CPU, so by default the proof is of a small guest ELF (argument 1:
// hello.elf, which outputs "hello, zkvm\n" + its input) fed a validation result; pass --block to prove the
// example block itself instead.
using Microsoft.Extensions.Logging;
using Prover.Node;
using Prover.Node.Eip8025;
using Prover.Witness.Ssz;

using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
bool wholeBlock = args.Contains("--block");
var block = BlockInput.Example();

using (var ethereum = new NodeProver(new NodeProverOptions { Configuration = ProofConfiguration.Development }, loggers.CreateLogger<NodeProver>()))
{
    var executed = await ethereum.ExecuteAsync(block);
    Console.WriteLine($"executed block {executed.Report.BlockNumber}: {executed.Report.TotalNumCycles:N0} cycles, valid {executed.Validation?.SuccessfulValidation}, root {executed.Report.NewPayloadRequestRoot}");
    if (executed.Validation is not { SuccessfulValidation: true })
        return 1;
}

NodeProverOptions options;
BlockInput toProve;
byte[] expectedRoot;
if (wholeBlock)
{
    options = new NodeProverOptions { Configuration = ProofConfiguration.Development, LogShardSize = 20, AcceptInsecureProofs = true };
    toProve = block;
    expectedRoot = ProverGuest.Ethereum.InputRoot(block.Bytes);
}
else
{
    var elf = await File.ReadAllBytesAsync(args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? throw new ArgumentException("usage: NodeConsumer <hello.elf> | --block"));
    byte[] greeting = "hello, zkvm\n"u8.ToArray();
    var guest = ProverGuest.FromElf("hello", elf, input => input[..32],
        output => output.AsSpan().StartsWith(greeting) ? ProverGuest.TryDecodeValidation(output.AsSpan(greeting.Length)) : null);
    // Development proofs (~60 provable bits) verify only when insecure proofs are accepted explicitly.
    options = new NodeProverOptions { Configuration = ProofConfiguration.Development, LogShardSize = 10, Guest = guest, AcceptInsecureProofs = true };
    expectedRoot = ProverGuest.Ethereum.InputRoot(block.Bytes);
    toProve = new BlockInput("hello", new StatelessValidationResult(expectedRoot, true, 1, Fork.Prague.SchemaId()).Encode());
}

using var prover = new NodeProver(options, loggers.CreateLogger<NodeProver>());
var progress = new Progress<ProverProgress>(p => { if (p.Phase == ProverPhase.ShardProofs && p.ShardsDone == p.ShardCount) Console.WriteLine($"  {p.ShardCount} shard proof(s) done"); });
var proved = await prover.ProveAsync(toProve, progress);
Console.WriteLine($"proved {proved.Report.TotalNumCycles:N0} cycles in {proved.Report.ProvingTimeMs / 1e3:F1} s, {proved.Report.ProofSize:N0} bytes");
var verified = await prover.VerifyAsync(proved.Proof);
Console.WriteLine($"verified: {verified.IsValid} in {verified.VerificationMilliseconds:F0} ms");

var executionProof = prover.ToExecutionProof(proved);
int limit = prover.Options.ProofType.MaxProofSize;
var wire = executionProof.Encode(limit);
var received = ExecutionProof.Decode(wire, limit);
var verdict = await prover.VerifyExecutionProofAsync(received, expectedRoot);
Console.WriteLine($"ExecutionProof: type {received.ProofType}, {wire.Length:N0} bytes, root 0x{Convert.ToHexStringLower(received.HashTreeRoot(limit))}, valid for the block's root: {verdict.IsValid}");
var wrongRoot = (byte[])expectedRoot.Clone();
wrongRoot[0] ^= 1;
bool rejected = !(await prover.VerifyExecutionProofAsync(received, wrongRoot)).IsValid;
Console.WriteLine($"rejected for another root: {rejected}");
return verified.IsValid && verdict.IsValid && rejected ? 0 : 1;
