namespace Skyhook.Controller.Web.Console.Activity;

/// <summary>
/// One event as a row of the activity table: the page renders the cells with Razor, the live tail
/// gets them as JSON and sets them as text. Either way they are text, never markup.
/// </summary>
public sealed record ActivityRow(long Id, bool Denied, IReadOnlyList<string?> Cells);
