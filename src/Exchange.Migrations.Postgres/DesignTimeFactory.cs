using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Exchange.Migrations.Postgres;

/// <summary>
/// What `dotnet ef` builds the model with when it adds a migration or writes a script: the
/// exchange's own configuration for this provider. No connection is opened for either.
/// </summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ExchangeDbContext>
{
    public ExchangeDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<ExchangeDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = "Host=localhost;Database=exchange",
        });
        return new ExchangeDbContext(builder.Options);
    }
}
