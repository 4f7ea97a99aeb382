using Exchange.Core.Cases;
using Exchange.Core.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class DataSubjectRequestConfiguration : IEntityTypeConfiguration<DataSubjectRequest>
{
    public void Configure(EntityTypeBuilder<DataSubjectRequest> builder)
    {
        builder.ToTable("data_subject_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.MemberId).HasMaxLength(64);
        builder.Property(r => r.OpenedByMemberId).HasMaxLength(64);
        builder.Property(r => r.OpenedBy).HasMaxLength(200);
        builder.Property(r => r.SubjectEmail).HasMaxLength(320);
        builder.Property(r => r.SubjectPhone).HasMaxLength(50);
        builder.Property(r => r.SubjectName).HasMaxLength(200);
        builder.Property(r => r.IdentityVerification).HasMaxLength(1000);
        builder.Property(r => r.ExtensionReason).HasMaxLength(1000);
        builder.Property(r => r.LiftReason).HasMaxLength(1000);
        builder.HasIndex(r => new { r.MemberId, r.CreatedAt });
    }
}

internal sealed class CaseRestrictionConfiguration : IEntityTypeConfiguration<CaseRestriction>
{
    public void Configure(EntityTypeBuilder<CaseRestriction> builder)
    {
        builder.ToTable("case_restrictions");
        builder.HasKey(r => new { r.CaseId, r.RequestId });
        // A purge takes the case's restrictions with it.
        builder.HasOne<CollaborationCase>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DataSubjectRequest>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.RequestId);
    }
}

internal sealed class BreachAssessmentConfiguration : IEntityTypeConfiguration<BreachAssessment>
{
    public void Configure(EntityTypeBuilder<BreachAssessment> builder)
    {
        builder.ToTable("breach_assessments");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.ActorId).HasMaxLength(200);
        builder.Property(b => b.OpenedBy).HasMaxLength(200);
        builder.Property(b => b.Description).HasMaxLength(2000);
        builder.HasIndex(b => b.OpenedAt);
    }
}
