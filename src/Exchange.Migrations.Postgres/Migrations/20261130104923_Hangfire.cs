using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Exchange.Jobs moves from Quartz.NET to Hangfire (docs/decisions/0301): Quartz's tables go, and
    /// each case records the purge time its Hangfire job was scheduled for. Hangfire's own schema is
    /// not EF's; the migrate step installs it after the migrations (DatabaseMigrator).
    /// </summary>
    public partial class Hangfire : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Quartz.NET's job store, children before parents. IF EXISTS: a database made after
            // Quartz left (the QuartzJobStore migration is empty now), or on SQL Server, never had them.
            foreach (var table in new[]
            {
                "qrtz_locks",
                "qrtz_scheduler_state",
                "qrtz_fired_triggers",
                "qrtz_paused_trigger_grps",
                "qrtz_calendars",
                "qrtz_blob_triggers",
                "qrtz_cron_triggers",
                "qrtz_simprop_triggers",
                "qrtz_simple_triggers",
                "qrtz_triggers",
                "qrtz_job_details",
            })
            {
                migrationBuilder.Sql($"DROP TABLE IF EXISTS {table};");
            }

            migrationBuilder.AddColumn<DateTime>(
                name: "PurgeScheduledFor",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PurgeScheduledFor",
                table: "cases");

            // Quartz's tables are not made again: nothing of the exchange uses them any more.
        }
    }
}
