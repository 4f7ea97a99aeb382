using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Exchange.Core.Hosting;

public sealed class TelemetryOptions
{
    public const string Section = "Exchange:Telemetry";

    /// <summary>An OTLP collector (e.g. http://otel-collector:4317) that receives traces and metrics; none by default.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Who may read <c>/metrics</c> (Prometheus' text format): addresses or CIDR networks. Loopback when
    /// none are named; anyone else gets 404, since request rates and job backlogs are nobody else's business.
    /// </summary>
    public List<string> ScrapeFrom { get; set; } = [];

    /// <summary>The networks in force. (A default inside the list would be kept beside configured entries by the binder.)</summary>
    public IReadOnlyList<string> Scrapers => ScrapeFrom.Count > 0 ? ScrapeFrom : ["127.0.0.0/8", "::1/128"];
}

/// <summary>
/// OpenTelemetry in every service: ASP.NET Core, HttpClient, EF Core, Npgsql and runtime meters and
/// the exchange's own (<see cref="ExchangeMetrics"/>), scraped at <c>/metrics</c> and, when
/// configured, exported with traces over OTLP. Metrics carry route templates and status codes, never
/// a path, a query or a value of a case.
/// </summary>
public static class Telemetry
{
    public const string ScrapePath = "/metrics";

    public static WebApplicationBuilder AddExchangeTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => o.ScrapeFrom.All(e => TrustedProxyOptions.TryParse(e, out _)),
                "Exchange:Telemetry:ScrapeFrom holds an entry that is neither an address nor a CIDR network.")
            .ValidateOnStart();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(ExchangeMetrics.MeterName, "Microsoft.EntityFrameworkCore", "Npgsql", "System.Runtime")
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddSource("Npgsql"))
                .UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(options.OtlpEndpoint));
        }

        return builder;
    }

    /// <summary>Serves <c>/metrics</c> to the configured scrapers only.</summary>
    public static WebApplication MapExchangeMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous().AddEndpointFilter(async (context, next) =>
        {
            var allowed = context.HttpContext.RequestServices.GetRequiredService<IOptions<TelemetryOptions>>().Value.Scrapers;
            var caller = context.HttpContext.Connection.RemoteIpAddress;
            return caller != null && allowed.Any(entry => TrustedProxyOptions.TryParse(entry, out var network) && network.Contains(Normalise(caller)))
                ? await next(context)
                : Results.NotFound();
        });
        return app;
    }

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>The exchange's own instruments, one meter for every service.</summary>
public static class ExchangeMetrics
{
    public const string MeterName = "Exchange";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Recurring job runs by job and outcome (succeeded, failed).</summary>
    public static readonly Counter<long> JobRuns = Meter.CreateCounter<long>("exchange.job.runs", description: "Recurring job runs by job and outcome");

    /// <summary>How long each recurring job run took.</summary>
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("exchange.job.duration", unit: "s", description: "Duration of recurring job runs");

    /// <summary>Webhook delivery attempts by outcome (succeeded, retrying, dead, disabled).</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("exchange.webhook.attempts", description: "Webhook delivery attempts by outcome");

    /// <summary>From an event's commit to its successful delivery.</summary>
    public static readonly Histogram<double> WebhookLag = Meter.CreateHistogram<double>("exchange.webhook.lag", unit: "s", description: "Time from an event to its delivery");

    /// <summary>
    /// Time the database took per command, on every provider (EF Core's own meter counts queries but
    /// does not time them, and Npgsql's meter covers PostgreSQL only), by provider and outcome.
    /// </summary>
    public static readonly Histogram<double> DatabaseCommandDuration = Meter.CreateHistogram<double>(
        "exchange.db.command.duration", unit: "s", description: "Duration of database commands",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static long _purgeBacklog = -1;

    /// <summary>
    /// Cases whose purge is due and that are not purged yet, as the last purge run counted them: the
    /// gauge reads a number, never the database, so a scrape costs nothing. Only the Jobs service reports it.
    /// </summary>
    public static readonly ObservableGauge<long> PurgeBacklog = Meter.CreateObservableGauge(
        "exchange.purge.backlog",
        () => Interlocked.Read(ref _purgeBacklog) is var cases and >= 0 ? [new Measurement<long>(cases)] : Array.Empty<Measurement<long>>(),
        description: "Cases due for purge and not yet purged, as of the last purge run");

    /// <summary>What the purge run counted (<see cref="PurgeBacklog"/>).</summary>
    public static void RecordPurgeBacklog(long cases) => Interlocked.Exchange(ref _purgeBacklog, cases);

    /// <summary>Audit entries sealed into the chain (decision 0208).</summary>
    public static readonly Counter<long> AuditSealed = Meter.CreateCounter<long>("exchange.audit.sealed", description: "Audit entries sealed into the hash chain");

    /// <summary>From an audit entry's append to its sealing, per entry: the bound on what can go unseen before sealing.</summary>
    public static readonly Histogram<double> AuditSealDelay = Meter.CreateHistogram<double>("exchange.audit.seal_delay", unit: "s", description: "Time from an audit entry's append to its sealing");

    private static double _auditSealingLag;
    private static long _auditUnsealed;

    /// <summary>The age of the oldest audit entry not yet sealed, as the sequencer of this node last saw it (0 when none).</summary>
    public static readonly ObservableGauge<double> AuditSealingLag = Meter.CreateObservableGauge("exchange.audit.sealing_lag",
        () => Volatile.Read(ref _auditSealingLag), unit: "s", description: "Age of the oldest audit entry not yet sealed");

    /// <summary>How many audit entries await sealing, as the sequencer of this node last saw it.</summary>
    public static readonly ObservableGauge<long> AuditUnsealed = Meter.CreateObservableGauge("exchange.audit.unsealed",
        () => Interlocked.Read(ref _auditUnsealed), description: "Audit entries not yet sealed");

    public static void ReportAuditBacklog(long unsealed, double lagSeconds)
    {
        Interlocked.Exchange(ref _auditUnsealed, unsealed);
        Volatile.Write(ref _auditSealingLag, lagSeconds);
    }
}
