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
    public const int TlsCertificateGenerated = 3020;
    public const int TlsCertificateServed = 3021;

    // 3100-3199: first-start setup
    public const int SetupToken = 3101;
    public const int WrongSetupToken = 3102;
    public const int SetupComplete = 3103;

    // 3200-3299: sign-in and tokens
    public const int LockedOut = 3201;
    public const int SignInFailed = 3202;
    public const int SignInLocked = 3203;
    public const int SignedIn = 3204;

    // 3300-3399: gateway groups, gateways, PKI
    public const int GatewayAdded = 3301;
    public const int GatewayEnrolled = 3302;
    public const int GatewayEnrolmentRefused = 3303;
    public const int GatewayRemoved = 3304;
    public const int CaCreated = 3310;
    public const int ForeignKeyRing = 3311;

    // 3400-3499: the gateway-facing API
    public const int VpnLoginAllowed = 3401;
    public const int VpnLoginDenied = 3402;
    public const int VpnSessionResumed = 3403;
    public const int SessionEnded = 3404;
    public const int ContractRefused = 3410;

    // 3500-3599: the web console and user portal
    public const int ConsoleSignedIn = 3501;
    public const int ConsoleSignedOut = 3502;
    public const int ConsoleSessionEnded = 3503;

    // 3600-3699: events (gateway telemetry and audit as events)
    public const int EventsDropped = 3601;
    public const int EventsStored = 3602;
    public const int EventsPruned = 3610;
    public const int EventRetentionFailed = 3611;

    // 3700-3749: event export (syslog, JSON lines)
    public const int ExportStarted = 3701;
    public const int ExportStartedWithoutCursor = 3702;
    public const int ExportFailing = 3703;
    public const int ExportRecovered = 3704;
    public const int ExportCursorUnreadable = 3705;
}
