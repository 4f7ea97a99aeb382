using Exchange.Core.Data;

namespace Exchange.Testing;

/// <summary>A test of PostgreSQL's own behaviour (a server restart, say): run in the PostgreSQL pass, reported as skipped in the SQLite pass.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.CurrentProvider != DatabaseProvider.Postgres)
        {
            Skip = "PostgreSQL only: runs in the PostgreSQL pass of ./test.sh.";
        }
    }
}
