using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CaseTriageAndWebhookHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "webhook_subscriptions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "SubscriptionId",
                table: "outbox_messages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_MemberId_Id",
                table: "webhook_deliveries",
                columns: new[] { "MemberId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_ReceivingMemberId_ResponseDueAt_Id",
                table: "cases",
                columns: new[] { "ReceivingMemberId", "ResponseDueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_ReceivingMemberId_Severity_Id",
                table: "cases",
                columns: new[] { "ReceivingMemberId", "Severity", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_ReceivingMemberId_Status_Id",
                table: "cases",
                columns: new[] { "ReceivingMemberId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_SubmittingMemberId_ResponseDueAt_Id",
                table: "cases",
                columns: new[] { "SubmittingMemberId", "ResponseDueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_SubmittingMemberId_Severity_Id",
                table: "cases",
                columns: new[] { "SubmittingMemberId", "Severity", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_SubmittingMemberId_Status_Id",
                table: "cases",
                columns: new[] { "SubmittingMemberId", "Status", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_webhook_deliveries_MemberId_Id",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "IX_cases_ReceivingMemberId_ResponseDueAt_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_ReceivingMemberId_Severity_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_ReceivingMemberId_Status_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_SubmittingMemberId_ResponseDueAt_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_SubmittingMemberId_Severity_Id",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_SubmittingMemberId_Status_Id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "webhook_subscriptions");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "outbox_messages");
        }
    }
}
