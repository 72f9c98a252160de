using System.Security.Cryptography;
using System.Text.Json;

namespace Skyhook.Core.Contracts;

/// <summary>
/// The content hash of a desired state: SHA-256 over its JSON with Revision, Hash and the gateway's
/// own assignment blanked, so it changes exactly when what the group enforces changes, and every
/// gateway of a group that applied the same state reports the same hash (anything else is drift).
/// </summary>
public static class DesiredStateHash
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly GatewayAssignment Unassigned = new("", "", "");

    public static string Compute(DesiredState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var content = JsonSerializer.SerializeToUtf8Bytes(state with { Revision = 0, Hash = "", Gateway = Unassigned }, Json);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }

    /// <summary>The same state with its hash filled in.</summary>
    public static DesiredState Seal(DesiredState state) => state with { Hash = Compute(state) };
}
