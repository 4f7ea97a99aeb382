using Exchange.Core.Identity;
using Exchange.Core.Members;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Exchange.Core.Data.Configurations;

internal sealed class ExchangeUserConfiguration : IEntityTypeConfiguration<ExchangeUser>
{
    public void Configure(EntityTypeBuilder<ExchangeUser> builder)
    {
        builder.Property(u => u.MemberId).HasMaxLength(64);
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.HasIndex(u => u.MemberId);
    }
}

internal sealed class OAuthClientConfiguration : IEntityTypeConfiguration<OAuthClient>
{
    public void Configure(EntityTypeBuilder<OAuthClient> builder)
    {
        builder.ToTable("oauth_clients");
        builder.HasKey(c => c.ClientId);
        builder.Property(c => c.ClientId).HasMaxLength(100);
        builder.Property(c => c.DisplayName).HasMaxLength(200);
        builder.Property(c => c.MemberId).HasMaxLength(64);
        builder.Property(c => c.SecretHash).HasMaxLength(64);
        builder.Property(c => c.PreviousSecretHash).HasMaxLength(64);
        builder.Property(c => c.JsonWebKeySet).HasMaxLength(ClientKeySet.MaxLength);
        builder.Property(c => c.AllowedGrantTypes).HasMaxLength(500);
        builder.Property(c => c.AllowedScopes).HasMaxLength(2000);
        builder.Property(c => c.RedirectUris).HasMaxLength(4000);
        builder.Property(c => c.PostLogoutRedirectUris).HasMaxLength(4000);
        builder.Property(c => c.Roles).HasMaxLength(500);
        builder.HasIndex(c => c.MemberId);
    }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> builder)
    {
        builder.ToTable("signing_keys");
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(100);
        builder.Property(k => k.Algorithm).HasMaxLength(16);
        builder.Property(k => k.ProtectedPrivateKey).HasMaxLength(8000);
    }
}

/// <summary>
/// The data-protection key ring (Microsoft.AspNetCore.DataProtection.EntityFrameworkCore's entity),
/// shared by every node of every service; in Production each key's XML is encrypted by a certificate.
/// </summary>
internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder)
    {
        builder.ToTable("data_protection_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.FriendlyName).HasMaxLength(200);
    }
}

/// <summary>OpenIddict's own tables, named like ours; their columns and indexes are OpenIddict's.</summary>
internal sealed class OpenIddictTableNames :
    IEntityTypeConfiguration<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>,
    IEntityTypeConfiguration<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization>,
    IEntityTypeConfiguration<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreScope>,
    IEntityTypeConfiguration<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>
{
    public void Configure(EntityTypeBuilder<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication> builder) =>
        builder.ToTable("openiddict_applications");

    public void Configure(EntityTypeBuilder<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization> builder) =>
        builder.ToTable("openiddict_authorizations");

    public void Configure(EntityTypeBuilder<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreScope> builder) =>
        builder.ToTable("openiddict_scopes");

    public void Configure(EntityTypeBuilder<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken> builder)
    {
        builder.ToTable("openiddict_tokens");
        // The API nodes' revocation set reloads revoked, unexpired access tokens every few seconds
        // (Identity/RevokedAccessTokens): without this index, a scan of every token issued today.
        builder.HasIndex(t => new { t.Type, t.Status, t.ExpirationDate }).HasDatabaseName("ix_openiddict_tokens_revocation");
    }
}
