using System.CommandLine;
using System.Text.Json;
using Skyhook.Cli.Api;

namespace Skyhook.Cli.Commands;

/// <summary>Options every API command shares, and the one place API errors become exit codes.</summary>
public static class CommonOptions
{
    public static readonly JsonSerializerOptions PrettyJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Option<string?> Controller() => new("--controller")
    {
        Description = "The controller's URL; default: the one `skyhook login` saved (or SKYHOOK_CONTROLLER).",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON, for scripts." };

    public static Option<bool> PasswordStdin() => new("--password-stdin")
    {
        Description = "Read the password from standard input (never put it on the command line).",
    };

    /// <summary>Runs <paramref name="action"/>; an API error prints one message and exits 1.</summary>
    public static async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (ApiException ex)
        {
            await Console.Error.WriteLineAsync("skyhook: " + ex.Message);
            return 1;
        }
    }

    public static void WriteJson(JsonElement value) => Console.WriteLine(JsonSerializer.Serialize(value, PrettyJson));

    /// <summary>One line from standard input, or, at a terminal, typed without echo.</summary>
    public static string ReadPassword(bool fromStdin)
    {
        if (fromStdin || Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? throw new ApiException("no password on standard input");
        }
        Console.Error.Write("Password: ");
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return password.ToString();
            }
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }

    public static string? Text(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;
}
