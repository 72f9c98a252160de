namespace Skyhook.Controller.Setup;

public sealed record SetupConfirmResponse(string Name, bool MfaEnrolled);
