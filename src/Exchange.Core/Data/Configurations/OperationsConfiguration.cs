using Exchange.Core.Audit;
using Exchange.Core.Jobs;
using Exchange.Core.Mail;
using Exchange.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        // The insertion id comes from the database, so appenders need no lock; the chain's sequence
        // is given by the sequencer when it seals the entry (decision 0208).
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedOnAdd();
        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.Property(a => a.ActorMemberId).HasMaxLength(64);
        builder.Property(a => a.ActorId).HasMaxLength(200);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.ObjectType).HasMaxLength(64);
        builder.Property(a => a.ObjectId).HasMaxLength(200);
        builder.Property(a => a.Details).HasMaxLength(4000);
        builder.Property(a => a.ContentHash).HasMaxLength(64);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.HasIndex(a => a.CaseId);
        builder.HasIndex(a => new { a.ActorId, a.OccurredAt });
    }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> builder)
    {
        builder.ToTable("audit_checkpoints");
        builder.HasKey(c => c.Sequence);
        builder.Property(c => c.Sequence).ValueGeneratedNever();
        builder.Property(c => c.HeadHash).HasMaxLength(64);
        builder.Property(c => c.KeyId).HasMaxLength(64);
        builder.Property(c => c.Signature).HasMaxLength(200);
    }
}

internal sealed class AuditSigningKeyConfiguration : IEntityTypeConfiguration<AuditSigningKey>
{
    public void Configure(EntityTypeBuilder<AuditSigningKey> builder)
    {
        builder.ToTable("audit_signing_keys");
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.Property(k => k.PublicKeyPem).HasMaxLength(1000);
    }
}

internal sealed class AuditSequencerLeaseConfiguration : IEntityTypeConfiguration<AuditSequencerLease>
{
    public void Configure(EntityTypeBuilder<AuditSequencerLease> builder)
    {
        builder.ToTable("audit_sequencer_lease");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(64);
        builder.Property(l => l.Holder).HasMaxLength(200);
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.ToTable("webhook_subscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.MemberId).HasMaxLength(64);
        builder.Property(s => s.Url).HasMaxLength(2000);
        builder.Property(s => s.EventTypes).HasMaxLength(2000);
        builder.Property(s => s.ProtectedSecret).HasMaxLength(2000);
        builder.Property(s => s.PreviousProtectedSecret).HasMaxLength(2000);
        builder.Property(s => s.DisabledReason).HasMaxLength(500);
        // Added to a table with rows, so the migration gives existing endpoints 0; the model says the same,
        // and a database made from the model has the schema the migrations make.
        builder.Property(s => s.ConsecutiveFailures).HasDefaultValue(0);
        builder.HasIndex(s => s.MemberId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.MemberId).HasMaxLength(64);
        builder.Property(d => d.MessageId).HasMaxLength(100);
        builder.Property(d => d.EventType).HasMaxLength(64);
        builder.Property(d => d.Payload).HasMaxLength(4000);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.MemberId, d.CreatedAt });
        // The member's deliveries page by id (version 7, so creation order), both ways.
        builder.HasIndex(d => new { d.MemberId, d.Id });
        // One delivery per message and endpoint, however many workers fan the outbox out.
        builder.HasIndex(d => new { d.OutboxMessageId, d.SubscriptionId }).IsUnique();
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.EventType).HasMaxLength(64);
        builder.Property(m => m.RecipientMemberIds).HasMaxLength(500);
        builder.Property(m => m.Payload).HasMaxLength(4000);
        builder.HasIndex(m => m.ProcessedAt);
        builder.HasIndex(m => new { m.MailedAt, m.OccurredAt });
    }
}

internal sealed class MailNotificationConfiguration : IEntityTypeConfiguration<MailNotification>
{
    public void Configure(EntityTypeBuilder<MailNotification> builder)
    {
        builder.ToTable("mail_notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.EventType).HasMaxLength(64);
        builder.Property(n => n.MemberId).HasMaxLength(64);
        builder.Property(n => n.LastError).HasMaxLength(200);
        builder.HasIndex(n => new { n.Status, n.NextAttemptAt });
        // One mail per event and person, however many workers read the outbox.
        builder.HasIndex(n => new { n.OutboxMessageId, n.UserId }).IsUnique();
    }
}

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("job_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.JobName).HasMaxLength(100);
        builder.Property(r => r.Node).HasMaxLength(200);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => new { r.JobName, r.StartedAt });
    }
}
