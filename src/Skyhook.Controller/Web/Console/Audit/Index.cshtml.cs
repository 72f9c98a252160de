using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Audit;

namespace Skyhook.Controller.Web.Console.Audit;

/// <summary>The audit log, newest first, filtered by who, action, subject and time (the API's filters).</summary>
public sealed class IndexModel(AuditQuery audit) : ConsolePageModel
{
    [BindProperty(SupportsGet = true, Name = "actor")]
    public string? ActorFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "subject")]
    public string? SubjectFilter { get; set; }

    /// <summary>UTC, as the browser's date-time input sends it (no zone).</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    public int Limit => AuditQuery.DefaultLimit;

    public List<AuditEntryView> Entries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var outcome = await audit.ListAsync(
            new AuditFilter(
                Actor: Blank(ActorFilter),
                Action: Blank(ActionFilter),
                Subject: Blank(SubjectFilter),
                From: Utc(From),
                To: Utc(To)),
            cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Fail(failure);
        }

        Entries = outcome.Value!;
        return Page();
    }
}
