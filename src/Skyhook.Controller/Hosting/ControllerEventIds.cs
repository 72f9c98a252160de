namespace Skyhook.Controller.Hosting;

/// <summary>
/// Every log event id of the controller, 3000-3999 (ARCHITECTURE.md), with a range per area so that
/// an id names its area. Ids are never reused for a different message.
/// </summary>
internal static class ControllerEventIds
{
    // 3000-3099: hosting, storage, request errors
    public const int StorageReady = 3001;
    public const int RequestRefused = 3010;

    // 3100-3199: first-start setup
    public const int SetupToken = 3101;
    public const int WrongSetupToken = 3102;
    public const int SetupComplete = 3103;

    // 3200-3299: sign-in and tokens
    public const int LockedOut = 3201;
    public const int SignInFailed = 3202;
    public const int SignInLocked = 3203;
    public const int SignedIn = 3204;
}
