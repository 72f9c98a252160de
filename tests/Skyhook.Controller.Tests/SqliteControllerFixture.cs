namespace Skyhook.Controller.Tests;

public sealed class SqliteControllerFixture() : ControllerFixture(ControllerDatabase.Sqlite);
