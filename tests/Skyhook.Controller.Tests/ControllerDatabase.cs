namespace Skyhook.Controller.Tests;

/// <summary>
/// Which database a fixture runs the controller on. SQLite needs nothing; a PostgreSQL fixture
/// passes <c>postgres</c> and a connection string to a server the test script starts.
/// </summary>
public sealed record ControllerDatabase(string Provider, string? ConnectionString)
{
    public static ControllerDatabase Sqlite { get; } = new("sqlite", null);
}
