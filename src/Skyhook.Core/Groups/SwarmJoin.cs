namespace Skyhook.Core.Groups;

/// <summary>How a gateway joins the swarm whose overlay it serves: a manager's address and a worker join token.</summary>
/// <param name="JoinToken">A secret: shown to nobody after it is entered, never logged.</param>
public sealed record SwarmJoin(string ManagerAddress, string JoinToken)
{
    public override string ToString() => $"SwarmJoin {{ ManagerAddress = {ManagerAddress}, JoinToken = *** }}";
}
