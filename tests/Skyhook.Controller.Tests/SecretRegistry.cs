using System.Collections.Concurrent;

namespace Skyhook.Controller.Tests;

public sealed class SecretRegistry
{
    private readonly ConcurrentDictionary<string, bool> _secrets = new(StringComparer.Ordinal);

    public IEnumerable<string> All => _secrets.Keys;

    public void Add(string secret) => _secrets.TryAdd(secret, true);
}
