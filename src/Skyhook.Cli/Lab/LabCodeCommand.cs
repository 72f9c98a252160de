using System.CommandLine;
using Skyhook.Core.Identity;

namespace Skyhook.Cli.Lab;

/// <summary>
/// `skyhook lab code`: the current one-time code of a TOTP secret read from standard input, so
/// that the demo's accounts can sign in to the console without an authenticator app. For the lab
/// only: a real account's secret belongs in an authenticator, not in a terminal.
/// </summary>
public static class LabCodeCommand
{
    public static Command Create()
    {
        var command = new Command(
            "code",
            "Print the current one-time code of a TOTP secret (base32) read from standard input, e.g. the demo admin's: "
            + "echo SECRET | skyhook lab code");
        command.SetAction(_ =>
        {
            var secret = Console.In.ReadLine()?.Trim();
            if (!Base32.TryDecode(secret, out var bytes, out var error))
            {
                Console.Error.WriteLine($"skyhook: the secret on standard input is not base32: {error}");
                return 2;
            }

            if (bytes.Length < Totp.MinSecretLength)
            {
                Console.Error.WriteLine($"skyhook: the secret on standard input is {bytes.Length} bytes; a TOTP secret is at least {Totp.MinSecretLength}.");
                return 2;
            }

            var totp = new Totp(TimeProvider.System);
            var step = totp.GetCurrentTimeStep();
            var left = (step + 1) * totp.PeriodSeconds - DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Console.WriteLine($"{totp.Compute(bytes, step)}  (valid for {left} more seconds; each code signs in once)");
            return 0;
        });
        return command;
    }
}
