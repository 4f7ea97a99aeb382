using Exchange.Core.Agreements;
using Exchange.Core.Audit;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Identity;
using Exchange.Core.Jobs;
using Exchange.Core.Members;
using Exchange.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Core.Data;

/// <summary>
/// The one model of the exchange: domain, identity and operational tables share a database
/// so that a change, its audit entry and its outbox message commit together.
/// </summary>
public sealed class ExchangeDbContext(DbContextOptions<ExchangeDbContext> options, Content.CaseContentProtector? contentProtector = null)
    : IdentityDbContext<ExchangeUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The data keys this context has unlocked (decision 0006); never shared between contexts.</summary>
    internal Content.CaseContentKeys ContentKeys { get; } = new();

    /// <summary>Seals and opens case content; null only for a context built without it (design-time tools).</summary>
    internal Content.CaseContentProtector? ContentProtector { get; } = contentProtector;

    public DbSet<Member> Members => Set<Member>();
    public DbSet<Agreement> Agreements => Set<Agreement>();
    public DbSet<AgreementParty> AgreementParties => Set<AgreementParty>();
    public DbSet<CustomerAuthorisation> CustomerAuthorisations => Set<CustomerAuthorisation>();
    public DbSet<CollaborationCase> Cases => Set<CollaborationCase>();
    public DbSet<CaseField> CaseFields => Set<CaseField>();
    public DbSet<WithheldField> WithheldFields => Set<WithheldField>();
    public DbSet<CaseNote> CaseNotes => Set<CaseNote>();
    public DbSet<Content.CaseDataKey> CaseDataKeys => Set<Content.CaseDataKey>();
    public DbSet<Content.CaseBlindIndexEntry> CaseBlindIndex => Set<Content.CaseBlindIndexEntry>();
    public DbSet<Tombstone> Tombstones => Set<Tombstone>();
    public DbSet<PurgeReceipt> PurgeReceipts => Set<PurgeReceipt>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<AuditSigningKey> AuditSigningKeys => Set<AuditSigningKey>();
    public DbSet<AuditSequencerLease> AuditSequencerLeases => Set<AuditSequencerLease>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<OAuthClient> OAuthClients => Set<OAuthClient>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Privacy.DataSubjectRequest> DataSubjectRequests => Set<Privacy.DataSubjectRequest>();
    public DbSet<Privacy.CaseRestriction> CaseRestrictions => Set<Privacy.CaseRestriction>();
    public DbSet<Privacy.BreachAssessment> BreachAssessments => Set<Privacy.BreachAssessment>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // OpenIddict's applications, authorizations, scopes and tokens live beside our own tables.
        builder.UseOpenIddict();
        builder.ApplyConfigurationsFromAssembly(typeof(ExchangeDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name so the database reads on its own and survives reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
        // Every timestamp is UTC; SQLite forgets the kind, PostgreSQL's timestamptz insists on it.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        // Small lists are JSON text on every provider, so one hand-written migration serves all.
        configurationBuilder.Properties<List<string>>().HaveConversion<JsonListConverter<string>, JsonListComparer<string>>();
        configurationBuilder.Properties<List<DataCategory>>().HaveConversion<JsonListConverter<DataCategory>, JsonListComparer<DataCategory>>();
    }
}
