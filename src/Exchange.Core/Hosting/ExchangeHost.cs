using Exchange.Core.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Core.Hosting;

/// <summary>The plumbing every service shares: database, logging, health, data protection, headers, start-up checks.</summary>
public static class ExchangeHost
{
    public const string ReadyTag = "ready";

    /// <summary>Settings whose shipped values are for development only; Production refuses to start with them.</summary>
    public sealed class SecretSettings
    {
        public List<string> Keys { get; } = [];
    }

    /// <summary>Marks a service that reads or writes case content (Api, Jobs): it needs the content keys' directory to start.</summary>
    public sealed class CaseContentHost;

    /// <summary>Marks a service that seals the audit log and so needs its signing key (Jobs).</summary>
    public sealed class AuditSealingHost;

    public static WebApplicationBuilder UsesCaseContent(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CaseContentHost>();
        return builder;
    }

    public static WebApplicationBuilder AddExchangeDefaults(this WebApplicationBuilder builder, params string[] secretSettings)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });

        builder.AddExchangeTelemetry();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddExchangeDatabase();
        builder.Services.AddScoped<Audit.AuditLog>();
        builder.Services.AddOptions<Cases.RetentionOptions>().BindConfiguration(Cases.RetentionOptions.Section)
            .Validate(o => o.Default >= TimeSpan.Zero, "Exchange:Retention:Default must not be negative.").ValidateOnStart();
        builder.Services.AddOptions<Jobs.JobStorageOptions>().BindConfiguration(Jobs.JobStorageOptions.Section);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<ExchangeDbContext>("database", tags: [ReadyTag], customTestQuery: CanOpenConnectionAsync);

        builder.Services.AddExchangeKeyRing(KeyRingCertificate.Load(builder.Configuration));

        // Behind a load balancer only the proxies named in configuration are believed, so a
        // spoofed X-Forwarded-For changes neither rate-limit keys nor logged addresses; with none
        // named, forwarded headers are ignored altogether.
        builder.Services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((options, proxies) => proxies.Value.ApplyTo(options));

        var secrets = new SecretSettings();
        secrets.Keys.AddRange(secretSettings);
        builder.Services.AddSingleton(secrets);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>
    /// Readiness opens a connection itself, bounded to a few seconds: EF's CanConnect would run
    /// inside the retrying execution strategy and keep a probe waiting through every retry while
    /// the database is away, when the answer the load balancer needs is "not ready", now.
    /// </summary>
    private static async Task<bool> CanOpenConnectionAsync(ExchangeDbContext db, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var connection = db.Database.GetDbConnection();
        try
        {
            await connection.OpenAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    public static WebApplication UseExchangeDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }

                headers.XFrameOptions = "DENY";
                // Text answers written without a charset (health checks, say) name it, so no client sniffs one.
                if (context.Response.ContentType is { } type && type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
                    && !type.Contains("charset", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.ContentType = type + "; charset=utf-8";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        app.MapExchangeMetrics();
        return app;
    }

    /// <summary>
    /// Runs the service, or with the `migrate` argument applies migrations (and the demo seed
    /// where enabled) and exits. Refuses to start, with a message naming the problem, when
    /// Production holds development secrets or the database cannot be reached.
    /// </summary>
    public static async Task<int> RunExchangeAsync(this WebApplication app, string[] args)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Exchange.Startup");
        try
        {
            CheckProductionSecrets(app);
            CheckKeyRingCertificate(app);
            CheckContentKeys(app);
            var seedDemo = app.Configuration.GetValue("Exchange:Demo:Seed", false);
            if (seedDemo && app.Environment.IsProduction())
            {
                throw new StartupException("Exchange:Demo:Seed is true, but demo data is refused in Production. Remove the setting.");
            }

            CheckAuditSigningKey(app);

            await CheckDatabaseAsync(app.Services);

            var migrateOnly = args.Contains("migrate");
            var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (migrateOnly || options.MigrateOnStart)
            {
                await DatabaseMigrator.MigrateAsync(app.Services);
                KeyRing.EnsureCurrentKey(app.Services, TimeProvider.System);
                await SealPlaintextContentAsync(app.Services, logger);
                if (seedDemo)
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    await DemoSeed.SeedAsync(scope.ServiceProvider.GetRequiredService<ExchangeDbContext>(), TimeProvider.System,
                        jobsDashboardRedirectUri: app.Configuration["Exchange:Identity:JobsDashboardRedirectUri"]);
                    logger.LogInformation("Demo data is in place");
                }

                await RegisterJobsDashboardClientAsync(app, logger);
            }

            if (migrateOnly)
            {
                return 0;
            }

            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            // A setting failed its validation: say which, as for any other refusal.
            var reasons = string.Join(" ", ex.Failures);
            logger.LogCritical("Refusing to start: {Reason}", reasons);
            await Console.Error.WriteLineAsync($"Refusing to start: {reasons}");
            return 1;
        }
        catch (StartupException ex)
        {
            logger.LogCritical("Refusing to start: {Reason}", ex.Message);
            await Console.Error.WriteLineAsync($"Refusing to start: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Registers the jobs dashboard's client at Identity as part of the migrate step when the deployment
    /// names its secret and redirect URI (docker-compose.yml does), the way the demo seed does for the demo.
    /// </summary>
    private static async Task RegisterJobsDashboardClientAsync(WebApplication app, ILogger logger)
    {
        var secret = app.Configuration["Exchange:Jobs:Dashboard:ClientSecret"];
        var redirectUri = app.Configuration["Exchange:Identity:JobsDashboardRedirectUri"];
        if (string.IsNullOrWhiteSpace(secret) || string.IsNullOrWhiteSpace(redirectUri) || !app.Environment.IsProduction())
        {
            return;
        }

        if (secret.StartsWith("dev-", StringComparison.Ordinal))
        {
            throw new StartupException("setting 'Exchange:Jobs:Dashboard:ClientSecret' holds a development value. Set a real secret through the environment (Exchange__Jobs__Dashboard__ClientSecret).");
        }

        await using var scope = app.Services.CreateAsyncScope();
        await Identity.JobsDashboardClient.RegisterAsync(scope.ServiceProvider.GetRequiredService<ExchangeDbContext>(), secret, redirectUri, null, DateTime.UtcNow);
        logger.LogInformation("The jobs dashboard client is registered");
    }

    private static void CheckProductionSecrets(WebApplication app)
    {
        if (!app.Environment.IsProduction())
        {
            return;
        }

        foreach (var key in app.Services.GetRequiredService<SecretSettings>().Keys)
        {
            var value = app.Configuration[key];
            if (string.IsNullOrWhiteSpace(value) || value.StartsWith("dev-", StringComparison.Ordinal))
            {
                throw new StartupException($"setting '{key}' holds no value or a development value. Set a real secret through the environment ({key.Replace(":", "__")}).");
            }
        }
    }

    /// <summary>Production keeps the key ring encrypted at rest: no certificate, no start.</summary>
    private static void CheckKeyRingCertificate(WebApplication app)
    {
        var certificate = app.Services.GetRequiredService<KeyRingCertificate>();
        if (certificate.Problem is { } problem)
        {
            throw new StartupException(problem + ".");
        }

        if (app.Environment.IsProduction() && certificate.Current is null)
        {
            throw new StartupException($"setting '{KeyRingOptions.Section}:CertificatePath' is empty, but Production encrypts the data-protection keys at rest. " +
                $"Name a PKCS#12 file with a private key ({KeyRingOptions.Section.Replace(":", "__")}__CertificatePath) and its password ({KeyRingOptions.Section.Replace(":", "__")}__CertificatePassword).");
        }
    }

    /// <summary>
    /// Case content is encrypted under keys wrapped by key-encryption keys kept outside the database
    /// (decision 0006): Production names their directory, shared by every node; no directory, no start.
    /// </summary>
    private static void CheckContentKeys(WebApplication app)
    {
        if (app.Services.GetService<CaseContentHost>() is null)
        {
            return;
        }

        var directory = app.Configuration[$"{Content.ContentKeyOptions.Section}:Directory"];
        if (app.Environment.IsProduction() && string.IsNullOrWhiteSpace(directory))
        {
            throw new StartupException($"setting '{Content.ContentKeyOptions.Section}:Directory' is empty, but Production keeps the keys that encrypt case content outside the database. " +
                $"Name a directory every node of every service reads and writes ({Content.ContentKeyOptions.Section.Replace(":", "__")}__Directory).");
        }

        var keks = app.Services.GetRequiredService<Content.KeyEncryptionKeys>();
        try
        {
            Directory.CreateDirectory(keks.Directory);
            keks.Current();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or Content.KeyEncryptionKeyMissingException)
        {
            throw new StartupException($"setting '{Content.ContentKeyOptions.Section}:Directory' names a directory whose content keys cannot be used ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    /// <summary>The service that seals the audit log (Jobs) needs its signing key; no usable key, no start.</summary>
    private static void CheckAuditSigningKey(WebApplication app)
    {
        if (app.Services.GetService<AuditSealingHost>() is null)
        {
            return;
        }

        try
        {
            app.Services.GetRequiredService<Audit.AuditSigner>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new StartupException($"setting '{Audit.AuditOptions.Section}:SigningKeyPath' does not name a usable ECDSA P-256 key ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    /// <summary>The migrate step's conversion of case content written before decision 0006, in batches; reads work throughout.</summary>
    private static async Task SealPlaintextContentAsync(IServiceProvider services, ILogger logger)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var sealedCases = await Content.ContentKeyRotation.SealPlaintextAsync(db, scope.ServiceProvider.GetRequiredService<Audit.AuditLog>(), batchSize: 200);
        if (sealedCases > 0)
        {
            logger.LogInformation("Encrypted the content of {Cases} cases stored in plaintext", sealedCases);
        }
    }

    /// <summary>
    /// Waits up to Exchange:Database:StartupTimeout for the database to accept a connection (it may
    /// be starting beside the service, or busy), then refuses to start with the provider's reason.
    /// </summary>
    private static async Task CheckDatabaseAsync(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var deadline = DateTime.UtcNow + options.StartupTimeout;
        string problem;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
            try
            {
                var remaining = deadline - DateTime.UtcNow;
                using var timeout = new CancellationTokenSource(remaining > TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1));
                // Opening a connection, not CanConnect: for SQLite that reports a file not yet created as unreachable.
                await db.Database.OpenConnectionAsync(timeout.Token);
                await db.Database.CloseConnectionAsync();
                return;
            }
            catch (Exception ex)
            {
                // The provider's message names host and reason, never the password.
                problem = ex.GetBaseException().Message;
            }

            if (DateTime.UtcNow + TimeSpan.FromSeconds(2) >= deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        throw new StartupException($"the {options.Provider} database named by Exchange:Database:ConnectionString cannot be reached ({problem}).");
    }

    private sealed class StartupException(string message) : Exception(message);
}
