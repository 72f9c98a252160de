namespace Skyhook.Core.Contracts;

/// <summary>
/// POST /api/v1/gateway/enroll: a gateway trades the one-time join token from the console for a
/// long-lived credential, and its own key's signing request for an OpenVPN server certificate.
/// The private key never leaves the gateway.
/// </summary>
/// <param name="PublicEndpoint">Where clients reach this gateway (host or address), for the profiles' remote lines.</param>
public sealed record EnrollmentRequest(string JoinToken, string Name, string PublicEndpoint, string SigningRequestPem)
{
    public override string ToString() => $"EnrollmentRequest {{ Name = {Name}, PublicEndpoint = {PublicEndpoint}, JoinToken = *** }}";
}

/// <param name="Credential">The gateway's bearer credential for every later call; shown this once, kept hashed.</param>
public sealed record EnrollmentResponse(string Name, string Group, string Credential, string ServerCertificatePem, string CaCertificatePem)
{
    public override string ToString() => $"EnrollmentResponse {{ Name = {Name}, Group = {Group}, Credential = *** }}";
}
