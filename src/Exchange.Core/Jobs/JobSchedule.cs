namespace Exchange.Core.Jobs;

/// <summary>
/// A recurring job's interval as the cron expression Hangfire schedules by, and back. Hangfire's cron
/// has a seconds field, so intervals are whole seconds, minutes or hours that divide the next unit
/// evenly (1, 2, 5, 30 s; 1, 10, 15 min; 1, 6, 12 h), or one day; anything else is refused at start.
/// </summary>
public static class JobSchedule
{
    public static string? RefusalFor(TimeSpan interval) => TryCron(interval, out _) ? null
        : $"{interval} cannot be a recurring schedule: use whole seconds or minutes dividing 60, whole hours dividing 24, or one day.";

    public static string ToCron(TimeSpan interval) => TryCron(interval, out var cron) ? cron
        : throw new ArgumentOutOfRangeException(nameof(interval), RefusalFor(interval));

    /// <summary>The interval of a cron expression <see cref="ToCron"/> made; null for any other.</summary>
    public static TimeSpan? IntervalOf(string? cron)
    {
        var parts = cron?.Split(' ') ?? [];
        if (parts.Length != 6)
        {
            return null;
        }

        static int? Step(string field) => field == "*" ? 1 : field.StartsWith("*/", StringComparison.Ordinal) && int.TryParse(field[2..], out var n) ? n : null;
        return parts switch
        {
            [var s, "*", "*", "*", "*", "*"] when Step(s) is { } n => TimeSpan.FromSeconds(n),
            ["0", var m, "*", "*", "*", "*"] when Step(m) is { } n => TimeSpan.FromMinutes(n),
            ["0", "0", var h, "*", "*", "*"] when Step(h) is { } n => TimeSpan.FromHours(n),
            ["0", "0", "0", "*", "*", "*"] => TimeSpan.FromDays(1),
            _ => null,
        };
    }

    private static bool TryCron(TimeSpan interval, out string cron)
    {
        cron = "";
        if (interval <= TimeSpan.Zero || interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return false;
        }

        var seconds = (long)interval.TotalSeconds;
        if (seconds < 60 && 60 % seconds == 0)
        {
            cron = $"*/{seconds} * * * * *";
        }
        else if (seconds % 60 == 0 && seconds < 3600 && 60 % (seconds / 60) == 0)
        {
            cron = $"0 */{seconds / 60} * * * *";
        }
        else if (seconds % 3600 == 0 && seconds < 86400 && 24 % (seconds / 3600) == 0)
        {
            cron = $"0 0 */{seconds / 3600} * * *";
        }
        else if (seconds == 86400)
        {
            cron = "0 0 0 * * *";
        }

        return cron.Length > 0;
    }
}
