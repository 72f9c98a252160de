namespace Skyhook.Core.Contracts;

/// <summary>
/// The version of the gateway-controller contracts. A gateway sends it with every call; the
/// controller refuses versions it does not speak with a clear message instead of guessing.
/// </summary>
public static class ContractVersion
{
    public const int Current = 1;
    public const string Header = "Skyhook-Contract";
}
