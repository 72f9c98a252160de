namespace Skyhook.Controller.Events;

/// <summary>
/// The longest text each event field may hold: the column sizes, and what ingest refuses beyond
/// (a batch with a longer value is refused whole, naming the field, rather than stored cut).
/// </summary>
public static class EventLimits
{
    public const int Kind = 16;
    public const int GatewayName = 64;
    public const int User = 200;
    public const int Address = 64;
    public const int SessionId = 32;
    public const int Action = 64;
    public const int Verdict = 16;
    public const int Rule = 500;
    public const int Protocol = 16;
    public const int ContainerName = 255;
    public const int Name = 255;
    public const int Code = 32;
    public const int Answer = 2000;
    public const int Path = 2048;
    public const int ClientVersion = 64;
    public const int Reason = 500;
}
