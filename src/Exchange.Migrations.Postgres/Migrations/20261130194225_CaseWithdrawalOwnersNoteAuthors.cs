using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CaseWithdrawalOwnersNoteAuthors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RespondedAt",
                table: "tombstones",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RespondedInTime",
                table: "tombstones",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AcceptedBy",
                table: "cases",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RespondedAt",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RespondedInTime",
                table: "cases",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AuthorName",
                table: "case_notes",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RespondedAt",
                table: "tombstones");

            migrationBuilder.DropColumn(
                name: "RespondedInTime",
                table: "tombstones");

            migrationBuilder.DropColumn(
                name: "AcceptedBy",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "RespondedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "RespondedInTime",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "AuthorName",
                table: "case_notes");
        }
    }
}
