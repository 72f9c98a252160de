using Skyhook.Linux;

namespace Skyhook.Gateway.Policy;

/// <summary>Applies one <c>nft -j</c> transaction (from standard input) in the gateway's network namespace.</summary>
public sealed class NftablesRunner(ProcessRunner runner, string? networkNamespace)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <exception cref="ProcessFailedException">nft refused the transaction; nothing of it is in force.</exception>
    public async Task ApplyAsync(string transaction, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(transaction);
        var spec = new ProcessSpec("nft", ["-j", "-f", "-"]) { StandardInput = transaction, Timeout = Timeout }
            .InNetworkNamespace(networkNamespace);
        await runner.RunAsync(spec, cancellationToken);
    }
}
