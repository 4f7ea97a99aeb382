using System.Globalization;
using Exchange.Portal.Api;

namespace Exchange.Portal.Charts;

/// <summary>Weekly counts for the member dashboard, computed from the cases the API lists for the member.</summary>
public sealed record DashboardStats(
    IReadOnlyList<string> Weeks,
    IReadOnlyList<double> Opened,
    IReadOnlyList<double> Received,
    IReadOnlyList<double> AnsweredWithinDeadlinePercent,
    int Answered,
    int AnsweredInTime)
{
    /// <summary>
    /// <paramref name="weeks"/> ISO-style weeks (Monday start, UTC) ending with the current one.
    /// A received case counts as answered once the receiver first answered it (the API's
    /// <c>respondedAt</c>, kept on the tombstone after the purge), in time as the API recorded it
    /// (<c>respondedInTime</c>). Cases from before that was recorded: answered once they left
    /// <c>submitted</c>, in time when their last update came by their response deadline.
    /// </summary>
    public static DashboardStats Compute(IEnumerable<CaseDto> outbox, IEnumerable<CaseDto> inbox, DateTimeOffset now, int weeks = 8)
    {
        var thisWeek = StartOfWeek(now);
        var starts = Enumerable.Range(0, weeks).Select(i => thisWeek.AddDays(-7 * (weeks - 1 - i))).ToList();
        int Index(DateTimeOffset at)
        {
            var start = StartOfWeek(at);
            return starts.IndexOf(start);
        }

        var opened = new double[weeks];
        foreach (var c in outbox)
        {
            if (Index(c.CreatedAt) is var i and >= 0)
            {
                opened[i]++;
            }
        }

        var received = new double[weeks];
        var answered = new double[weeks];
        var inTime = new double[weeks];
        int totalAnswered = 0, totalInTime = 0;
        foreach (var c in inbox)
        {
            var i = Index(c.CreatedAt);
            if (i >= 0)
            {
                received[i]++;
            }

            bool ok;
            if (c.RespondedAt is { } respondedAt)
            {
                ok = c.RespondedInTime ?? (c.ResponseDueAt is null || respondedAt <= c.ResponseDueAt);
            }
            else if (c.Status is "submitted" or "withdrawn" or "halted" or "purged")
            {
                // Never answered (withdrawn or halted before an answer), or purged without the record of one.
                continue;
            }
            else
            {
                var updated = c.UpdatedAt ?? c.CreatedAt;
                ok = c.ResponseDueAt is null || updated <= c.ResponseDueAt;
            }

            totalAnswered++;
            totalInTime += ok ? 1 : 0;
            if (i >= 0)
            {
                answered[i]++;
                inTime[i] += ok ? 1 : 0;
            }
        }

        var share = answered.Select((a, i) => a == 0 ? 0 : Math.Round(100 * inTime[i] / a, 1)).ToList();
        var labels = starts.Select(s => s.ToString("dd MMM", CultureInfo.InvariantCulture)).ToList();
        return new DashboardStats(labels, opened, received, share, totalAnswered, totalInTime);
    }

    private static DateTimeOffset StartOfWeek(DateTimeOffset at)
    {
        var day = at.ToUniversalTime().Date;
        var offset = ((int)day.DayOfWeek + 6) % 7;
        return new DateTimeOffset(day.AddDays(-offset), TimeSpan.Zero);
    }
}
