using Skyhook.Core.Contracts;
using Skyhook.Core.Pki;
using Skyhook.Gateway.Sync;

namespace Skyhook.Gateway.Host;

/// <summary>
/// <c>skyhook-gateway join URL TOKEN --fingerprint sha256:HEX [--name NAME] [--public-endpoint HOST]
/// [--data-dir DIR] [--insecure-http]</c>: trades the one-time join token for the gateway's
/// credential and OpenVPN server certificate. The key pair is made here and only its signing request
/// leaves the host. Nothing is written unless the controller accepted the token, so a failed join
/// (wrong token, wrong fingerprint, unreachable) leaves no half-enrolled gateway behind.
/// </summary>
public static class JoinCommand
{
    public const string Usage = "usage: skyhook-gateway join URL TOKEN --fingerprint sha256:HEX [--name NAME] [--public-endpoint HOST] [--data-dir DIR] [--insecure-http]";

    /// <returns>The process exit code: 0 enrolled, 1 refused or unreachable, 2 bad arguments.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!TryParse(args, out var parsed, out var problem))
        {
            await error.WriteLineAsync($"skyhook-gateway join: {problem}\n{Usage}");
            return 2;
        }
        if (!ControllerEndpoint.TryCreate(parsed.Url, parsed.Fingerprint, parsed.InsecureHttp, out var endpoint, out problem))
        {
            await error.WriteLineAsync("skyhook-gateway join: " + problem);
            return 2;
        }

        var files = new GatewayFiles(parsed.DataDirectory);
        var requestName = parsed.Name ?? CertificateName(Environment.MachineName);
        var (privateKey, signingRequest) = CertificateAuthority.CreateServerRequest(requestName);
        EnrollmentResponse enrolled;
        using (var api = new ControllerApi(endpoint, null, TimeSpan.FromSeconds(30)))
        {
            try
            {
                enrolled = await api.EnrollAsync(new EnrollmentRequest(parsed.Token, parsed.Name ?? "", parsed.PublicEndpoint ?? "", signingRequest), cancellationToken);
            }
            catch (ControllerApiException ex)
            {
                await error.WriteLineAsync("skyhook-gateway join: " + ex.Message);
                return 1;
            }
        }

        try
        {
            files.EnsureDirectory();
            GatewayFiles.WriteAtomically(files.PrivateKey, privateKey, GatewayFiles.Secret);
            GatewayFiles.WriteAtomically(files.Certificate, enrolled.ServerCertificatePem, GatewayFiles.Public);
            GatewayFiles.WriteAtomically(files.CaCertificate, enrolled.CaCertificatePem, GatewayFiles.Public);
            GatewayFiles.WriteAtomically(files.Credential, enrolled.Credential + "\n", GatewayFiles.Secret);
            // A state cached for an earlier enrolment belongs to another gateway identity.
            File.Delete(files.DesiredStateCache);
            // Written last: its presence is what makes the gateway count as enrolled.
            var enrolment = new Enrolment(endpoint.BaseAddress.ToString().TrimEnd('/'), endpoint.FingerprintText, enrolled.Name, enrolled.Group, parsed.InsecureHttp);
            GatewayFiles.WriteAtomically(files.Enrolment, enrolment.ToJson(), GatewayFiles.Secret);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"skyhook-gateway join: enrolled, but cannot write {files.DataDirectory}: {ex.Message} (ask an admin for a new join token and run join again as root)");
            return 1;
        }

        await output.WriteLineAsync($"Enrolled as gateway '{enrolled.Name}' of group '{enrolled.Group}' with {endpoint.BaseAddress.ToString().TrimEnd('/')}; credentials in {files.DataDirectory}. Start it: systemctl enable --now skyhook-gateway");
        return 0;
    }

    private sealed record Arguments(string Url, string Token, string Fingerprint, string? Name, string? PublicEndpoint, string DataDirectory, bool InsecureHttp);

    private static bool TryParse(IReadOnlyList<string> args, out Arguments parsed, out string problem)
    {
        parsed = null!;
        var positional = new List<string>();
        string? fingerprint = null, name = null, endpoint = null;
        var dataDirectory = Environment.GetEnvironmentVariable("Gateway__DataDirectory") is { Length: > 0 } fromEnvironment ? fromEnvironment : new GatewayOptions().DataDirectory;
        var insecure = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{arg} needs a value");
                }
                return args[++i];
            }
            try
            {
                switch (arg)
                {
                    case "--fingerprint":
                        fingerprint = Value();
                        break;
                    case "--name":
                        name = Value();
                        break;
                    case "--public-endpoint":
                        endpoint = Value();
                        break;
                    case "--data-dir":
                        dataDirectory = Value();
                        break;
                    case "--insecure-http":
                        insecure = true;
                        break;
                    default:
                        if (arg.StartsWith("--", StringComparison.Ordinal))
                        {
                            problem = $"unknown option {arg}";
                            return false;
                        }
                        positional.Add(arg);
                        break;
                }
            }
            catch (ArgumentException ex)
            {
                problem = ex.Message;
                return false;
            }
        }
        if (positional.Count != 2)
        {
            problem = "expected the controller URL and the join token";
            return false;
        }
        if (fingerprint is null)
        {
            problem = "--fingerprint is required: it is in the join command the console printed";
            return false;
        }
        if (name is not null && CertificateName(name) != name)
        {
            problem = "--name is letters, digits, '.', '-' and '_'";
            return false;
        }
        parsed = new Arguments(positional[0], positional[1], fingerprint, name, endpoint, dataDirectory, insecure);
        problem = "";
        return true;
    }

    // The signing request's name is a placeholder: the controller signs for the name the admin gave.
    private static string CertificateName(string name)
    {
        var clean = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_').Take(63).ToArray());
        return clean.Length == 0 ? "gateway" : clean;
    }
}
