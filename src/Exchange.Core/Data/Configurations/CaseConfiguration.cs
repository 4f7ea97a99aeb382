using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Content;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<CollaborationCase>
{
    public void Configure(EntityTypeBuilder<CollaborationCase> builder)
    {
        builder.ToTable("cases");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.SubmittingMemberId).HasMaxLength(64);
        builder.Property(c => c.ReceivingMemberId).HasMaxLength(64);
        // Content columns hold ciphertext (decision 0006): no length a database could check, and never indexed.
        builder.Property(c => c.SubmitterCaseReference);
        builder.Property(c => c.ReceiverCaseReference);
        builder.Property<int>(CaseContentInterceptor.VersionProperty).HasDefaultValue(CaseContentInterceptor.Plaintext);
        builder.Property(c => c.OpenedBy).HasMaxLength(200);
        builder.Property(c => c.OpenedByInitials).HasMaxLength(8);
        builder.Property(c => c.ReceiverInitials).HasMaxLength(8);
        builder.Property(c => c.AcceptedBy).HasMaxLength(200);
        builder.Property(c => c.RejectionReason);
        builder.Property(c => c.HaltReason).HasMaxLength(1000);
        builder.Property(c => c.StepsTaken);
        builder.Property(c => c.Conclusion);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Ignore(c => c.IsOpen);
        builder.HasOne<Member>().WithMany().HasForeignKey(c => c.SubmittingMemberId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Member>().WithMany().HasForeignKey(c => c.ReceivingMemberId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CustomerAuthorisation>().WithMany().HasForeignKey(c => c.CustomerAuthorisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Fields).WithOne().HasForeignKey(f => f.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.WithheldFields).WithOne().HasForeignKey(f => f.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Notes).WithOne().HasForeignKey(n => n.CaseId).OnDelete(DeleteBehavior.Cascade);
        // The data key goes with the case row, in the same statement, on every purge path.
        builder.HasOne<CaseDataKey>().WithOne().HasForeignKey<CaseDataKey>(k => k.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany<CaseBlindIndexEntry>().WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        // Keyset pagination of inbox and outbox walks (member, id) in id order.
        builder.HasIndex(c => new { c.SubmittingMemberId, c.Id });
        builder.HasIndex(c => new { c.ReceivingMemberId, c.Id });
        // Triage (decision 0210): the same walk by response due, by severity, and within one state,
        // so every sort and filter of the list is a seek, never a scan of the member's cases.
        builder.HasIndex(c => new { c.SubmittingMemberId, c.ResponseDueAt, c.Id });
        builder.HasIndex(c => new { c.ReceivingMemberId, c.ResponseDueAt, c.Id });
        builder.HasIndex(c => new { c.SubmittingMemberId, c.Severity, c.Id });
        builder.HasIndex(c => new { c.ReceivingMemberId, c.Severity, c.Id });
        builder.HasIndex(c => new { c.SubmittingMemberId, c.Status, c.Id });
        builder.HasIndex(c => new { c.ReceivingMemberId, c.Status, c.Id });
        builder.HasIndex(c => c.PurgeDueAt);
        builder.HasIndex(c => new { c.Status, c.ResponseDueAt });
    }
}

internal sealed class CaseFieldConfiguration : IEntityTypeConfiguration<CaseField>
{
    public void Configure(EntityTypeBuilder<CaseField> builder)
    {
        builder.ToTable("case_fields");
        builder.HasKey(f => new { f.CaseId, f.Name });
        builder.Property(f => f.Name).HasMaxLength(64);
        builder.Property(f => f.Value);
        builder.Property<int>(CaseContentInterceptor.VersionProperty).HasDefaultValue(CaseContentInterceptor.Plaintext);
    }
}

internal sealed class CaseDataKeyConfiguration : IEntityTypeConfiguration<CaseDataKey>
{
    public void Configure(EntityTypeBuilder<CaseDataKey> builder)
    {
        builder.ToTable("case_data_keys");
        builder.HasKey(k => k.CaseId);
        builder.Property(k => k.KekId).HasMaxLength(64);
        builder.Property(k => k.WrappedKey).HasMaxLength(64);
        // Rotation walks the keys still wrapped by an older key-encryption key.
        builder.HasIndex(k => k.KekId);
    }
}

internal sealed class CaseBlindIndexConfiguration : IEntityTypeConfiguration<CaseBlindIndexEntry>
{
    public void Configure(EntityTypeBuilder<CaseBlindIndexEntry> builder)
    {
        builder.ToTable("case_blind_index");
        builder.HasKey(e => new { e.CaseId, e.KekId, e.Hash });
        builder.Property(e => e.KekId).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(32);
        // The data-subject search looks a hash up under each existing key-encryption key.
        builder.HasIndex(e => new { e.KekId, e.Hash });
    }
}

internal sealed class WithheldFieldConfiguration : IEntityTypeConfiguration<WithheldField>
{
    public void Configure(EntityTypeBuilder<WithheldField> builder)
    {
        builder.ToTable("withheld_fields");
        builder.HasKey(f => new { f.CaseId, f.Name });
        builder.Property(f => f.Name).HasMaxLength(64);
        builder.Property(f => f.Reason).HasMaxLength(64);
    }
}

internal sealed class CaseNoteConfiguration : IEntityTypeConfiguration<CaseNote>
{
    public void Configure(EntityTypeBuilder<CaseNote> builder)
    {
        builder.ToTable("case_notes");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.AuthorMemberId).HasMaxLength(64);
        builder.Property(n => n.AuthorId).HasMaxLength(200);
        builder.Property(n => n.AuthorInitials).HasMaxLength(8);
        builder.Property(n => n.Body);
        // Ciphertext like the body (decision 0006): the author's name is case content and goes with the purge.
        builder.Property(n => n.AuthorName);
        builder.Property<int>(CaseContentInterceptor.VersionProperty).HasDefaultValue(CaseContentInterceptor.Plaintext);
        builder.HasIndex(n => new { n.CaseId, n.CreatedAt });
    }
}

internal sealed class TombstoneConfiguration : IEntityTypeConfiguration<Tombstone>
{
    public void Configure(EntityTypeBuilder<Tombstone> builder)
    {
        builder.ToTable("tombstones");
        builder.HasKey(t => t.CaseId);
        builder.Property(t => t.SubmittingMemberId).HasMaxLength(64);
        builder.Property(t => t.ReceivingMemberId).HasMaxLength(64);
        builder.Property(t => t.SubmitterInitials).HasMaxLength(8);
        builder.Property(t => t.ReceiverInitials).HasMaxLength(8);
        builder.Property(t => t.CustomerOrganisation).HasMaxLength(200);
        builder.Property(t => t.Summary).HasMaxLength(200);
        builder.Property(t => t.StepsTaken).HasMaxLength(8000);
        builder.Property(t => t.Conclusion).HasMaxLength(8000);
        builder.HasMany(t => t.Receipts).WithOne().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.SubmittingMemberId);
        builder.HasIndex(t => t.ReceivingMemberId);
    }
}

internal sealed class PurgeReceiptConfiguration : IEntityTypeConfiguration<PurgeReceipt>
{
    public void Configure(EntityTypeBuilder<PurgeReceipt> builder)
    {
        builder.ToTable("purge_receipts");
        builder.HasKey(r => new { r.CaseId, r.MemberId });
        builder.Property(r => r.MemberId).HasMaxLength(64);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_records");
        builder.HasKey(r => new { r.MemberId, r.ClientId, r.Key });
        builder.Property(r => r.MemberId).HasMaxLength(64);
        builder.Property(r => r.ClientId).HasMaxLength(200);
        builder.Property(r => r.Key).HasMaxLength(200);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.Location).HasMaxLength(500);
        builder.HasIndex(r => r.CreatedAt);
    }
}
