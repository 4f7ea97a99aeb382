using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Exchange.Core.Data.Migrations;

/// <summary>TEMPORARY, hand-written until the generated migrations land: OpenIddict's tables.</summary>
[DbContext(typeof(ExchangeDbContext))]
[Migration("20261130100000_OpenIddictTemporary")]
public sealed class OpenIddictTemporary : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "openiddict_applications",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ApplicationType = table.Column<string>(maxLength: 50, nullable: true),
                ClientId = table.Column<string>(maxLength: 100, nullable: true),
                ClientSecret = table.Column<string>(nullable: true),
                ClientType = table.Column<string>(maxLength: 50, nullable: true),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                ConsentType = table.Column<string>(maxLength: 50, nullable: true),
                DisplayName = table.Column<string>(nullable: true),
                DisplayNames = table.Column<string>(nullable: true),
                JsonWebKeySet = table.Column<string>(nullable: true),
                Permissions = table.Column<string>(nullable: true),
                PostLogoutRedirectUris = table.Column<string>(nullable: true),
                Properties = table.Column<string>(nullable: true),
                RedirectUris = table.Column<string>(nullable: true),
                Requirements = table.Column<string>(nullable: true),
                Settings = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_openiddict_applications", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_openiddict_applications_ClientId", table: "openiddict_applications", column: "ClientId", unique: true);

        migrationBuilder.CreateTable(
            name: "openiddict_scopes",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                Description = table.Column<string>(nullable: true),
                Descriptions = table.Column<string>(nullable: true),
                DisplayName = table.Column<string>(nullable: true),
                DisplayNames = table.Column<string>(nullable: true),
                Name = table.Column<string>(maxLength: 200, nullable: true),
                Properties = table.Column<string>(nullable: true),
                Resources = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_openiddict_scopes", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_openiddict_scopes_Name", table: "openiddict_scopes", column: "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "openiddict_authorizations",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ApplicationId = table.Column<string>(nullable: true),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                CreationDate = table.Column<DateTime>(nullable: true),
                Properties = table.Column<string>(nullable: true),
                Scopes = table.Column<string>(nullable: true),
                Status = table.Column<string>(maxLength: 50, nullable: true),
                Subject = table.Column<string>(maxLength: 400, nullable: true),
                Type = table.Column<string>(maxLength: 50, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_openiddict_authorizations", x => x.Id);
                table.ForeignKey("FK_openiddict_authorizations_openiddict_applications_ApplicationId", x => x.ApplicationId, "openiddict_applications", "Id");
            });
        migrationBuilder.CreateIndex(name: "IX_openiddict_authorizations_ApplicationId_Status_Subject_Type", table: "openiddict_authorizations",
            columns: ["ApplicationId", "Status", "Subject", "Type"]);

        migrationBuilder.CreateTable(
            name: "openiddict_tokens",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                ApplicationId = table.Column<string>(nullable: true),
                AuthorizationId = table.Column<string>(nullable: true),
                ConcurrencyToken = table.Column<string>(maxLength: 50, nullable: true),
                CreationDate = table.Column<DateTime>(nullable: true),
                ExpirationDate = table.Column<DateTime>(nullable: true),
                Payload = table.Column<string>(nullable: true),
                Properties = table.Column<string>(nullable: true),
                RedemptionDate = table.Column<DateTime>(nullable: true),
                ReferenceId = table.Column<string>(maxLength: 100, nullable: true),
                Status = table.Column<string>(maxLength: 50, nullable: true),
                Subject = table.Column<string>(maxLength: 400, nullable: true),
                Type = table.Column<string>(maxLength: 150, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_openiddict_tokens", x => x.Id);
                table.ForeignKey("FK_openiddict_tokens_openiddict_applications_ApplicationId", x => x.ApplicationId, "openiddict_applications", "Id");
                table.ForeignKey("FK_openiddict_tokens_openiddict_authorizations_AuthorizationId", x => x.AuthorizationId, "openiddict_authorizations", "Id");
            });
        migrationBuilder.CreateIndex(name: "IX_openiddict_tokens_ReferenceId", table: "openiddict_tokens", column: "ReferenceId", unique: true);
        migrationBuilder.CreateIndex(name: "IX_openiddict_tokens_ApplicationId_Status_Subject_Type", table: "openiddict_tokens",
            columns: ["ApplicationId", "Status", "Subject", "Type"]);
        migrationBuilder.CreateIndex(name: "IX_openiddict_tokens_AuthorizationId", table: "openiddict_tokens", column: "AuthorizationId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "openiddict_tokens");
        migrationBuilder.DropTable(name: "openiddict_authorizations");
        migrationBuilder.DropTable(name: "openiddict_scopes");
        migrationBuilder.DropTable(name: "openiddict_applications");
    }
}
