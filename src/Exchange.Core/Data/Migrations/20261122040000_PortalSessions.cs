using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Exchange.Core.Data.Migrations;

/// <summary>Server-side portal sessions (the cookie holds only their key).</summary>
[DbContext(typeof(ExchangeDbContext))]
[Migration("20261122040000_PortalSessions")]
public sealed class PortalSessions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "portal_sessions",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 64, nullable: false),
                ProtectedTicket = table.Column<string>(nullable: false),
                SubjectId = table.Column<string>(maxLength: 200, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_portal_sessions", x => x.Key);
            });

        migrationBuilder.CreateIndex(name: "IX_portal_sessions_ExpiresAt", table: "portal_sessions", column: "ExpiresAt");
        migrationBuilder.CreateIndex(name: "IX_portal_sessions_SubjectId", table: "portal_sessions", column: "SubjectId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "portal_sessions");
    }
}
