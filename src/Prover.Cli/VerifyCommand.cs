using System.CommandLine;
using System.Text.Json;
using Prover.Core.Air.Demo;

namespace Prover.Cli;

/// <summary><c>prover verify proof.bin</c>: verifies any proof file the tool produced; exit code 1 when invalid.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var proof = new Argument<FileInfo>("proof") { Description = "proof file" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var command = new Command("verify", "verify a proof file; exits non-zero when it is invalid") { proof, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(proof)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"error: {path.FullName} does not exist");
                return 2;
            }
            var check = DemoProofs.Verify(File.ReadAllBytes(path.FullName));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    statement = check.Statement,
                    config = check.Config,
                    valid = check.Result.IsValid,
                    error = check.Result.Error,
                    verification_time_ms = Math.Round(check.VerificationMilliseconds, 3),
                    provable_bits = check.Security?.Provable,
                    conjectured_bits = check.Security?.Conjectured,
                }));
            else
            {
                Console.WriteLine($"{check.Statement} ({check.Config}): {check.Result}");
                if (check.Security is not null)
                    Console.WriteLine($"verified in {check.VerificationMilliseconds:F2} ms; security: {check.Security}");
            }
            return check.Result.IsValid ? 0 : 1;
        });
        return command;
    }
}
