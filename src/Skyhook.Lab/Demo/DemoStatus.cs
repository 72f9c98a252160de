namespace Skyhook.Lab.Demo;

/// <summary>The demo's processes on a lab, as `skyhook lab status` shows them (no credentials: they are shown once, by `lab demo`).</summary>
public sealed record DemoStatus(string ControllerUrl, bool ControllerRunning, bool GatewayRunning, bool ClientRunning);
