using System.Net;

namespace Skyhook.Core.Tests.Policy.Compilation;

/// <summary>A packet as <see cref="CompiledTableEvaluator"/> walks it through the table.</summary>
internal sealed record EvaluatedPacket(string Interface, string OutputInterface, IPAddress Source, IPAddress Destination, int Protocol, int? Port, string State);
