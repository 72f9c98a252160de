namespace Skyhook.Controller.Tests;

/// <summary>The tests that share one controller on SQLite; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteControllerFixture>
{
    public const string Name = "controller-sqlite";
}
