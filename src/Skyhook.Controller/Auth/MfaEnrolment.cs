namespace Skyhook.Controller.Auth;

/// <summary>
/// A new TOTP secret, shown once: <paramref name="Secret"/> in base32 for typing in, and the URI
/// authenticator apps scan as a QR code. Neither is ever shown again.
/// </summary>
public sealed record MfaEnrolment(string Name, string Secret, string OtpAuthUri);
