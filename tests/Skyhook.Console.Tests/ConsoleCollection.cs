namespace Skyhook.Console.Tests;

/// <summary>
/// Every browser test: one controller process and one Chromium for all of them. Tests of one
/// collection run one at a time, so they never race over the controller's state in the middle of a test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
