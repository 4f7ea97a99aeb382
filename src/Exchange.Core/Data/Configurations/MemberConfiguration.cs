using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.ToTable("members");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(64);
        builder.Property(m => m.LegalName).HasMaxLength(200);
        builder.Property(m => m.Region).HasMaxLength(16);
        builder.Property(m => m.SupportContact).HasMaxLength(320);
        builder.Property(m => m.EscalationContact).HasMaxLength(320);
        builder.Property(m => m.IntakePolicy)
            .HasConversion<JsonValueConverter<IntakePolicy>, JsonValueComparer<IntakePolicy>>()
            .HasMaxLength(8000);
    }
}
