using System.Text.Json;
using System.Text.Json.Serialization;

namespace Skyhook.Gateway.Host;

/// <summary>What <c>skyhook-gateway join</c> learned and <c>run</c> needs: where the controller is and which certificate it must show.</summary>
/// <param name="Fingerprint"><c>sha256:HEX</c> of the controller certificate's DER.</param>
/// <param name="AllowInsecureHttp">Join was told to accept a non-loopback http:// URL; run keeps doing so.</param>
public sealed record Enrolment(string ControllerUrl, string Fingerprint, string Name, string Group, bool AllowInsecureHttp)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <exception cref="InvalidOperationException">The file is missing or unreadable; the message says to run join.</exception>
    public static Enrolment Load(GatewayFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!files.IsEnrolled)
        {
            throw new InvalidOperationException($"this gateway is not enrolled ({files.Enrolment} or {files.Credential} is missing): run 'skyhook-gateway join URL TOKEN --fingerprint sha256:HEX' first");
        }
        try
        {
            return JsonSerializer.Deserialize<Enrolment>(File.ReadAllText(files.Enrolment), Json)
                ?? throw new InvalidOperationException($"{files.Enrolment} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{files.Enrolment} is not valid: {ex.Message}", ex);
        }
    }
}
