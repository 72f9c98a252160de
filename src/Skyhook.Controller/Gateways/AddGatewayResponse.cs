namespace Skyhook.Controller.Gateways;

/// <summary>
/// The new pending gateway and its one-time join token, shown this once (only its hash is kept), with
/// the command to run on the gateway host; the command pins the controller's certificate.
/// </summary>
public sealed record AddGatewayResponse(GatewayView Gateway, string JoinToken, DateTimeOffset ExpiresAt, string JoinCommand)
{
    public override string ToString() => $"AddGatewayResponse {{ Gateway = {Gateway.Name}, ExpiresAt = {ExpiresAt}, JoinToken = *** }}";
}
