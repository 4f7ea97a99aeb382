using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Exchange.Migrations.Postgres.Migrations
{
    /// <summary>Quartz.NET's job store tables, outside the EF model (see QuartzJobStoreSchema).</summary>
    public partial class QuartzJobStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            Exchange.Core.Data.QuartzJobStoreSchema.Up(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            Exchange.Core.Data.QuartzJobStoreSchema.Down(migrationBuilder);
        }
    }
}
