using Prover.Fuzz;

// prover-fuzz: list | seeds <harness> <dir> | run <harness> [--mutations N] [--seed S] | replay <harness> <file-or-dir>... | afl <harness>
// The executable only parses arguments and prints; the harnesses and the campaign are the library part.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: prover-fuzz list | seeds <harness> <dir> | run <harness> [--mutations N] [--seed S] | replay <harness> <path>... | afl <harness>");
    return args.Length == 0 ? 64 : 0;
}
if (args[0] == "list")
{
    foreach (var h in HarnessCatalog.All)
        Console.WriteLine($"{h.Name,-14} {h.Description}");
    return 0;
}
if (args.Length < 2 || HarnessCatalog.Find(args[1]) is not { } harness)
{
    Console.Error.WriteLine($"error: unknown harness '{(args.Length > 1 ? args[1] : "")}'; see prover-fuzz list");
    return 64;
}
switch (args[0])
{
    case "seeds" when args.Length == 3:
    {
        Directory.CreateDirectory(args[2]);
        int n = 0;
        foreach (var (name, bytes) in harness.Seeds(SeedSources.Locate()))
        {
            // AFL++ wants small seeds: anything above its 1 MB maximum is left out.
            if (bytes.Length > harness.MaxInputBytes)
                continue;
            File.WriteAllBytes(Path.Combine(args[2], $"seed-{n++:D3}"), bytes);
            Console.WriteLine($"seed-{n - 1:D3}  {bytes.Length,9} bytes  {name}");
        }
        return 0;
    }
    case "run":
    {
        int mutations = 1000, seed = 1;
        for (int i = 2; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--mutations") mutations = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--seed") seed = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
        }
        var result = Campaign.Run(harness, [.. harness.Seeds(SeedSources.Locate())], mutations, seed);
        return Print(result);
    }
    case "replay" when args.Length >= 3:
        return Print(Campaign.Run(harness, Campaign.Files(args[2..]), 0, 0));
    case "afl":
        // AFL++ drives this process through SharpFuzz (the Prover assemblies instrumented with the sharpfuzz tool first).
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            harness.Execute(ms.GetBuffer().AsSpan(0, (int)ms.Length));
        });
        return 0;
    default:
        Console.Error.WriteLine("error: bad arguments; prover-fuzz --help");
        return 64;
}

static int Print(CampaignResult r)
{
    Console.WriteLine($"{r.Harness}: {r.Executions} executions ({r.Seeds} seeds), {r.Accepted} accepted, {r.Findings.Count} findings, {r.Seconds:F1} s");
    foreach (var f in r.Findings)
        Console.WriteLine($"FINDING {f.Input}: {string.Join("\n  ", f.Exception.Split('\n').Take(6).Select(l => l.TrimEnd()))}");
    return r.Findings.Count == 0 ? 0 : 1;
}
