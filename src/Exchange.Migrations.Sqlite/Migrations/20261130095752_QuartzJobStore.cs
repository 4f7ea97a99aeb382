using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Made Quartz.NET's job store tables while Exchange.Jobs ran on Quartz; empty since Quartz left
    /// (docs/decisions/0301). The Hangfire migration drops the tables where this made them.
    /// </summary>
    public partial class QuartzJobStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
