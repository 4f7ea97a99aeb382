using Exchange.Core.Authorisations;
using Exchange.Core.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class CustomerAuthorisationConfiguration : IEntityTypeConfiguration<CustomerAuthorisation>
{
    public void Configure(EntityTypeBuilder<CustomerAuthorisation> builder)
    {
        builder.ToTable("customer_authorisations");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.SubmittingMemberId).HasMaxLength(64);
        builder.Property(a => a.CustomerOrganisation).HasMaxLength(200);
        builder.Property(a => a.AuthorisedByName).HasMaxLength(200);
        builder.Property(a => a.AuthorisedByRole).HasMaxLength(200);
        builder.Property(a => a.AuthorisedByEmail).HasMaxLength(320);
        builder.Property(a => a.ReceivingMemberIds).HasMaxLength(2000);
        builder.Property(a => a.Purpose).HasMaxLength(1000);
        builder.Property(a => a.EvidenceReference).HasMaxLength(500);
        builder.Property(a => a.DataCategories).HasMaxLength(200);
        builder.Property(a => a.AllowedRegions).HasMaxLength(500);
        builder.HasOne<Member>().WithMany().HasForeignKey(a => a.SubmittingMemberId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.AuthorisedByEmail);
    }
}
