using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Prover.Core.Zkvm.Proving;
using Prover.Node;
using Prover.Service;
using Prover.Witness.Ssz;

namespace Prover.Benchmarks.Node;

/// <summary>
/// <c>node-overhead &lt;guest.elf&gt; [log-shard] [reps]</c>: the cost of the library and of the HTTP service over
/// the core prover on the same input, alternating (core, library, service) per repetition after a warm-up; checks
/// the library's proof bytes equal the core's. The guest must output its input after a fixed prefix (hello.elf),
/// which a test binding reads as a validation result (docs/design.md, "Node library").
/// </summary>
public static class NodeOverhead
{
    public static void Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task RunAsync(string[] args)
    {
        var elf = File.ReadAllBytes(args.Length > 1 ? args[1] : throw new ArgumentException("usage: node-overhead <guest.elf> [log-shard] [reps]"));
        int logShard = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
        int reps = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
        byte[] greeting = "hello, zkvm\n"u8.ToArray();
        var guest = ProverGuest.FromElf("hello", elf, input => input[..32],
            output => output.AsSpan().StartsWith(greeting) ? ProverGuest.TryDecodeValidation(output.AsSpan(greeting.Length)) : null);
        var options = new NodeProverOptions { Configuration = ProofConfiguration.Development, LogShardSize = logShard, Guest = guest, AcceptInsecureProofs = true };
        using var prover = new NodeProver(options);
        var app = ProofServiceHost.Build(new ProofServiceOptions { Prover = options }, "http://127.0.0.1:0");
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(ProofServiceHost.BoundAddresses(app)[0]), Timeout = TimeSpan.FromMinutes(10) };

        byte[] Input(int i) => new StatelessValidationResult([.. Enumerable.Range(0, 32).Select(b => (byte)(b + i))], true, 1, Fork.Prague.SchemaId()).Encode();
        double Core(byte[] input, out byte[] proof)
        {
            var sw = Stopwatch.StartNew();
            (proof, _) = ZkvmProofs.Prove(guest.Program, input, "development", 1L << logShard);
            var check = ZkvmProofs.Verify(guest.Program, proof, input, Prover.Core.Stark.VerificationPolicy.Insecure); // the library verifies too: same work
            if (!check.Result.IsValid)
                throw new InvalidOperationException("core proof invalid");
            return sw.Elapsed.TotalMilliseconds;
        }
        async Task<(double, byte[])> Library(byte[] input)
        {
            var sw = Stopwatch.StartNew();
            var outcome = await prover.ProveAsync(new BlockInput("bench", input));
            return (sw.Elapsed.TotalMilliseconds, outcome.Proof);
        }
        async Task<double> Service(byte[] input)
        {
            var root = "0x" + Convert.ToHexStringLower(input.AsSpan(0, 32));
            using var events = await http.GetStreamAsync("/v1/execution_proof_requests?new_payload_request_root=" + root);
            using var reader = new StreamReader(events);
            var sw = Stopwatch.StartNew();
            using var content = new ByteArrayContent(input);
            content.Headers.ContentType = new MediaTypeHeaderValue(ProofApi.GuestInputContentType);
            (await http.PostAsync("/v1/execution_proof_requests?proof_types=" + options.ProofType.Name, content)).EnsureSuccessStatusCode();
            while (await reader.ReadLineAsync() is { } line)
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    if (line != "event: proof_complete")
                        throw new InvalidOperationException(line);
                    break;
                }
            var bytes = await http.GetByteArrayAsync($"/v1/execution_proofs/{root}/{options.ProofType.Name}");
            double ms = sw.Elapsed.TotalMilliseconds;
            return bytes.Length > 0 ? ms : throw new InvalidOperationException("empty proof");
        }

        Core(Input(0), out _);
        await Library(Input(0));
        await Service(Input(200));
        var (core, library, service) = (new List<double>(), new List<double>(), new List<double>());
        for (int r = 0; r < reps; r++)
        {
            var input = Input(r + 1);
            core.Add(Core(input, out var direct));
            var (ms, viaLibrary) = await Library(input);
            if (!direct.AsSpan().SequenceEqual(viaLibrary))
                throw new InvalidOperationException("the library's proof bytes differ from the core prover's");
            library.Add(ms);
            service.Add(await Service(input));
        }
        await app.StopAsync();
        await app.DisposeAsync();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            reps,
            log_shard = logShard,
            core_ms = core.Select(v => Math.Round(v)),
            library_ms = library.Select(v => Math.Round(v)),
            service_ms = service.Select(v => Math.Round(v)),
            library_over_core = Math.Round(library.Average() / core.Average(), 3),
            service_over_core = Math.Round(service.Average() / core.Average(), 3),
            identical_proof_bytes = true,
        }));
    }
}
