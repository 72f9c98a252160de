namespace Skyhook.Core.Policy;

/// <summary>What a profile does with a packet no rule matched; text forms deny-all and allow-all.</summary>
public enum BasePolicy
{
    DenyAll,
    AllowAll,
}
