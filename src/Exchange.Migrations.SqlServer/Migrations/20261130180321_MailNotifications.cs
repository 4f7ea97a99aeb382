using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class MailNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "MailedAt",
                table: "outbox_messages",
                type: "datetime2",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "mail_notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    OutboxMessageId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    EventType = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CaseId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    MemberId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    SentAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_notifications", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_MailedAt_OccurredAt",
                table: "outbox_messages",
                columns: new[] { "MailedAt", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_mail_notifications_OutboxMessageId_UserId",
                table: "mail_notifications",
                columns: new[] { "OutboxMessageId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mail_notifications_Status_NextAttemptAt",
                table: "mail_notifications",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mail_notifications");

            migrationBuilder.DropIndex(
                name: "IX_outbox_messages_MailedAt_OccurredAt",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "MailedAt",
                table: "outbox_messages");
        }
    }
}
