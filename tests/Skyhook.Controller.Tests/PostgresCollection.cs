namespace Skyhook.Controller.Tests;

/// <summary>The tests that share one controller on PostgreSQL; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresControllerFixture>
{
    public const string Name = "controller-postgres";
}
