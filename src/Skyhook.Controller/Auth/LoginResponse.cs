namespace Skyhook.Controller.Auth;

/// <summary>The API token, shown this once; only its hash is kept.</summary>
public sealed record LoginResponse(string Token, ApiTokenView Info);
