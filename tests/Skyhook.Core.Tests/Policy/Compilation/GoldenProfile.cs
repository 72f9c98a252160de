namespace Skyhook.Core.Tests.Policy.Compilation;

internal sealed record GoldenProfile(string Name, string Base, IReadOnlyList<string> Rules);
