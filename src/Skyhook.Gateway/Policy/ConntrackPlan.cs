namespace Skyhook.Gateway.Policy;

/// <summary>
/// What a pass means to delete: per filter, how many listed entries it covers and why they go
/// (<see cref="ConntrackVerdict.Denied"/> or <see cref="ConntrackVerdict.SessionEnded"/>).
/// </summary>
/// <param name="Judged">Entries opened from a client pool address.</param>
/// <param name="Denied">Of those, the entries to cut.</param>
public sealed record ConntrackPlan(int Judged, int Denied, IReadOnlyDictionary<ConntrackDeletion, (int Entries, ConntrackVerdict Reason)> Deletions)
{
    /// <summary>Judges every entry and groups the ones to cut by the filter that deletes them.</summary>
    public static ConntrackPlan For(ConntrackPolicy policy, IEnumerable<ConntrackEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(entries);
        var judged = 0;
        var denied = 0;
        var deletions = new Dictionary<ConntrackDeletion, (int Entries, ConntrackVerdict Reason)>();
        foreach (var entry in entries)
        {
            var verdict = policy.Judge(entry);
            if (verdict == ConntrackVerdict.NotOurs)
            {
                continue;
            }

            judged++;
            if (verdict == ConntrackVerdict.Allowed)
            {
                continue;
            }

            denied++;
            var deletion = verdict == ConntrackVerdict.SessionEnded ? ConntrackDeletion.AllOf(entry.Source) : ConntrackDeletion.LikeOf(entry);
            deletions[deletion] = (deletions.GetValueOrDefault(deletion).Entries + 1, verdict);
        }

        return new ConntrackPlan(judged, denied, deletions);
    }
}
