using Exchange.Core.Agreements;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class AgreementConfiguration : IEntityTypeConfiguration<Agreement>
{
    public void Configure(EntityTypeBuilder<Agreement> builder)
    {
        builder.ToTable("agreements");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.DocumentReference).HasMaxLength(500);
        builder.Property(a => a.DocumentSha256).HasMaxLength(64).IsFixedLength(false);
        builder.Property(a => a.Version).HasMaxLength(40);
        builder.Property(a => a.PermittedCategories).HasMaxLength(200);
        builder.Property(a => a.PermittedRegions).HasMaxLength(500);
        builder.Property(a => a.TerminationReason).HasMaxLength(1000);
        builder.HasMany(a => a.Parties).WithOne().HasForeignKey(p => p.AgreementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.Status, a.ExpiresAt });
    }
}

internal sealed class AgreementPartyConfiguration : IEntityTypeConfiguration<AgreementParty>
{
    public void Configure(EntityTypeBuilder<AgreementParty> builder)
    {
        builder.ToTable("agreement_parties");
        builder.HasKey(p => new { p.AgreementId, p.PartyId });
        builder.Property(p => p.PartyId).HasMaxLength(64);
        builder.Property(p => p.SignerName).HasMaxLength(200);
        builder.Property(p => p.SignerRole).HasMaxLength(200);
        builder.HasIndex(p => p.PartyId);
    }
}
