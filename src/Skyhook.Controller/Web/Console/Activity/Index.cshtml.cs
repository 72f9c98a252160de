using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Skyhook.Controller.Events;
using Skyhook.Core.Contracts;
using Skyhook.Core.Formatting;

namespace Skyhook.Controller.Web.Console.Activity;

/// <summary>
/// What users did through the gateways, one tab per kind (sessions, connections, lookups, browsing,
/// all): the API's filters as a GET form, quick time ranges, paging back by id, the same rows as
/// CSV, and a live tail (a long poll on <see cref="OnGetTailAsync"/>) for site.js.
/// </summary>
public sealed class IndexModel(EventService events, TimeProvider time) : ConsolePageModel
{
    public const int PageSize = 100;

    // Below the API's 30 s limit, and below the idle timeouts of common proxies.
    private const int TailWaitSeconds = 25;

    private const string InputTime = "yyyy-MM-dd'T'HH:mm:ss";

    [BindProperty(SupportsGet = true, Name = "tab")]
    public string? TabSlug { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    /// <summary>A container or swarm service name, exactly.</summary>
    [BindProperty(SupportsGet = true, Name = "container")]
    public string? ContainerFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "verdict")]
    public string? VerdictFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "gateway")]
    public string? GatewayFilter { get; set; }

    /// <summary>UTC, as the browser's date-time input sends it (no zone).</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    /// <summary>UTC; inclusive through the end of the second it names.</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public ActivityTab Tab { get; private set; } = ActivityTab.All[^1];

    public IReadOnlyList<EventColumn> Columns => EventColumns.For(Tab.Kind);

    public List<ActivityRow> Rows { get; private set; } = [];

    /// <summary>The first row's id: the live tail asks for what came after it.</summary>
    public long Newest => Rows.Count > 0 ? Rows[0].Id : 0;

    /// <summary>A full page: there may be older rows.</summary>
    public bool HasOlder => Rows.Count == PageSize;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!FindTab())
        {
            return NotFound();
        }

        var outcome = await events.ListAsync(Filter() with { Before = Before, Limit = PageSize }, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Fail(failure);
        }

        Rows = outcome.Value!.Select(Row).ToList();
        return Page();
    }

    /// <summary>The same filters as CSV: the newest <see cref="EventService.MaxLimit"/> events (more through the API's paging).</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (!FindTab())
        {
            return NotFound();
        }

        var outcome = await events.ListAsync(Filter() with { Before = Before, Limit = EventService.MaxLimit }, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return Fail(failure);
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"skyhook-{Tab.Slug}-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv");
        return File(Encoding.UTF8.GetBytes(EventCsv.Write(outcome.Value!)), EventCsv.ContentType, name);
    }

    /// <summary>Rows after <paramref name="after"/>, oldest first, waiting up to 25 s for one; <c>{"rows":[]}</c> when none came.</summary>
    public async Task<IActionResult> OnGetTailAsync(long after, CancellationToken cancellationToken)
    {
        if (!FindTab())
        {
            return NotFound();
        }

        var outcome = await events.ListAsync(Filter() with { After = after, Wait = TailWaitSeconds, Limit = PageSize }, cancellationToken);
        if (outcome.Failure is not null)
        {
            // The page offers no tail for filters the store refuses; a hand-made request gets no more.
            return BadRequest();
        }

        return new JsonResult(new { rows = outcome.Value!.Select(Row) });
    }

    /// <summary>This page's path for <paramref name="tab"/> with the current filters, changed by <paramref name="changes"/> (null removes one).</summary>
    public string Link(ActivityTab? tab = null, params (string Name, string? Value)[] changes)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["user"] = UserFilter,
            ["container"] = ContainerFilter,
            ["verdict"] = VerdictFilter,
            ["gateway"] = GatewayFilter,
            ["from"] = InputValue(From),
            ["to"] = InputValue(To),
        };
        foreach (var (name, value) in changes)
        {
            query[name] = value;
        }

        var builder = new QueryBuilder(query.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => KeyValuePair.Create(p.Key, p.Value!.Trim())));
        return "/console/activity/" + (tab ?? Tab).Slug + builder.ToQueryString();
    }

    /// <summary>Quick ranges, UTC: the label and its from/to.</summary>
    public IEnumerable<(string Label, DateTime From, DateTime? To)> Ranges()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var seconds = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        yield return ("last hour", seconds.AddHours(-1), null);
        yield return ("today", now.Date, null);
        yield return ("yesterday", now.Date.AddDays(-1), now.Date.AddSeconds(-1));
        yield return ("last 7 days", seconds.AddDays(-7), null);
    }

    /// <summary>How a date-time input and the links write a time (UTC, to the second).</summary>
    public static string? InputValue(DateTime? value) => value?.ToString(InputTime, CultureInfo.InvariantCulture);

    /// <summary>The tab the path names; false for an unknown one (404).</summary>
    private bool FindTab()
    {
        if (ActivityTab.Find(TabSlug) is not { } tab)
        {
            return false;
        }

        Tab = tab;
        return true;
    }

    private EventFilter Filter() => new(
        Kind: Tab.Kind,
        User: Blank(UserFilter),
        Container: Blank(ContainerFilter),
        Verdict: Blank(VerdictFilter),
        Gateway: Blank(GatewayFilter),
        From: Utc(From),
        To: Utc(To)?.AddMilliseconds(999));

    private ActivityRow Row(StoredEvent stored) =>
        new(stored.Id, stored.Event.Verdict == Verdicts.Denied, Columns.Select(c => c.Value(stored.Event)).ToList());
}
