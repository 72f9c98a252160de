using System.Security.Cryptography;
using System.Text.Json;

namespace Skyhook.Core.Contracts;

/// <summary>
/// The content hash of a desired state: SHA-256 over its JSON with Revision and Hash blanked, so it
/// changes exactly when what a gateway enforces changes.
/// </summary>
public static class DesiredStateHash
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Compute(DesiredState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var content = JsonSerializer.SerializeToUtf8Bytes(state with { Revision = 0, Hash = "" }, Json);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    /// <summary>The same state with its hash filled in.</summary>
    public static DesiredState Seal(DesiredState state) => state with { Hash = Compute(state) };
}
