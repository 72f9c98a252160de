namespace Skyhook.Gateway.Sync;

/// <summary>What the gateway enforces now, for heartbeats and the VPN logins: the last good state and the last apply error.</summary>
public sealed class SyncStatus
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, string> _problems = new(StringComparer.Ordinal);
    private ValidatedState? _applied;
    private string? _error;

    public ValidatedState? Applied
    {
        get
        {
            lock (_lock)
            {
                return _applied;
            }
        }
    }

    /// <summary>
    /// Why the newest state is not in force (rejected or failed), then what a reconciler could not
    /// converge although the state is in force (one overlay of several); null when all is well.
    /// </summary>
    public string? ApplyError
    {
        get
        {
            lock (_lock)
            {
                var parts = _problems.Select(p => p.Key + ": " + p.Value).Prepend(_error).OfType<string>().ToList();
                var text = parts.Count == 0 ? null : string.Join("; ", parts);
                return text is { Length: > 2000 } ? text[..2000] : text;
            }
        }
    }

    /// <summary>
    /// A reconciler applied the state but part of the host did not converge (or, with null, now
    /// does). Reported in the heartbeat without rolling the state back: retrying is the reconciler's job.
    /// </summary>
    public void SetProblem(string reconciler, string? problem)
    {
        lock (_lock)
        {
            if (problem is null)
            {
                _problems.Remove(reconciler);
            }
            else
            {
                _problems[reconciler] = problem;
            }
        }
    }

    public void Succeeded(ValidatedState state)
    {
        lock (_lock)
        {
            _applied = state;
            _error = null;
        }
    }

    public void Failed(string error)
    {
        lock (_lock)
        {
            _error = error.Length > 2000 ? error[..2000] : error;
        }
    }
}
