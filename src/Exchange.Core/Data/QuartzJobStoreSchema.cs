using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Exchange.Core.Data;

/// <summary>
/// The tables of Quartz.NET's ADO.NET job store (qrtz_*), which Exchange.Jobs schedules on.
/// They are Quartz's, not the EF model's, so the SQLite and PostgreSQL migrations named
/// QuartzJobStore issue this DDL from Quartz's documented schema (3.x, with the optional
/// execution-group and node-affinity columns that Quartz probes for). Table names are lower
/// case: PostgreSQL folds Quartz's unquoted names to lower case, and SQLite compares them
/// without case. Each statement ends with a semicolon so the operators' SQL scripts run as
/// written. Goes with Quartz: the migrations calling it then keep an empty body.
/// </summary>
public static class QuartzJobStoreSchema

{
    private enum Col
    {
        Name,
        Text,
        BigInt,
        Int,
        Bool,
        Blob,
        Numeric,
    }

    private sealed record Column(string Name, Col Type, bool Nullable, string? Default = null);

    private sealed record Table(string Name, Column[] Columns, string[] Key, string? Parent = null, bool CascadeFromTriggers = false);

    private static readonly Column[] TriggerKey =
    [
        new("sched_name", Col.Name, false), new("trigger_name", Col.Name, false), new("trigger_group", Col.Name, false),
    ];

    private static readonly Table[] Tables =
    [
        new("qrtz_job_details",
        [
            new("sched_name", Col.Name, false), new("job_name", Col.Name, false), new("job_group", Col.Name, false),
            new("description", Col.Text, true), new("job_class_name", Col.Text, false), new("is_durable", Col.Bool, false),
            new("is_nonconcurrent", Col.Bool, false), new("is_update_data", Col.Bool, false), new("requests_recovery", Col.Bool, false),
            new("job_data", Col.Blob, true),
        ], ["sched_name", "job_name", "job_group"]),
        new("qrtz_triggers",
        [
            .. TriggerKey,
            new("job_name", Col.Name, false), new("job_group", Col.Name, false), new("description", Col.Text, true),
            new("next_fire_time", Col.BigInt, true), new("prev_fire_time", Col.BigInt, true), new("priority", Col.Int, true),
            new("trigger_state", Col.Name, false), new("trigger_type", Col.Name, false), new("start_time", Col.BigInt, false),
            new("end_time", Col.BigInt, true), new("calendar_name", Col.Name, true), new("misfire_instr", Col.Int, true),
            new("misfire_orig_fire_time", Col.BigInt, true), new("execution_group", Col.Name, true), new("preferred_node", Col.Name, true),
            new("preferred_node_auto", Col.Bool, false, "FALSE"), new("job_data", Col.Blob, true),
        ], ["sched_name", "trigger_name", "trigger_group"]),
        new("qrtz_simple_triggers",
        [
            .. TriggerKey,
            new("repeat_count", Col.BigInt, false), new("repeat_interval", Col.BigInt, false), new("times_triggered", Col.BigInt, false),
        ], ["sched_name", "trigger_name", "trigger_group"], "qrtz_triggers", true),
        new("qrtz_simprop_triggers",
        [
            .. TriggerKey,
            new("str_prop_1", Col.Text, true), new("str_prop_2", Col.Text, true), new("str_prop_3", Col.Text, true),
            new("int_prop_1", Col.Int, true), new("int_prop_2", Col.Int, true), new("long_prop_1", Col.BigInt, true),
            new("long_prop_2", Col.BigInt, true), new("dec_prop_1", Col.Numeric, true), new("dec_prop_2", Col.Numeric, true),
            new("bool_prop_1", Col.Bool, true), new("bool_prop_2", Col.Bool, true), new("time_zone_id", Col.Name, true),
        ], ["sched_name", "trigger_name", "trigger_group"], "qrtz_triggers", true),
        new("qrtz_cron_triggers",
        [
            .. TriggerKey,
            new("cron_expression", Col.Name, false), new("time_zone_id", Col.Name, true),
        ], ["sched_name", "trigger_name", "trigger_group"], "qrtz_triggers", true),
        new("qrtz_blob_triggers",
        [
            .. TriggerKey,
            new("blob_data", Col.Blob, true),
        ], ["sched_name", "trigger_name", "trigger_group"], "qrtz_triggers", true),
        new("qrtz_calendars",
        [
            new("sched_name", Col.Name, false), new("calendar_name", Col.Name, false), new("calendar", Col.Blob, false),
        ], ["sched_name", "calendar_name"]),
        new("qrtz_paused_trigger_grps",
        [
            new("sched_name", Col.Name, false), new("trigger_group", Col.Name, false),
        ], ["sched_name", "trigger_group"]),
        new("qrtz_fired_triggers",
        [
            new("sched_name", Col.Name, false), new("entry_id", Col.Name, false), new("trigger_name", Col.Name, false),
            new("trigger_group", Col.Name, false), new("instance_name", Col.Name, false), new("fired_time", Col.BigInt, false),
            new("sched_time", Col.BigInt, false), new("priority", Col.Int, false), new("state", Col.Name, false),
            new("job_name", Col.Name, true), new("job_group", Col.Name, true), new("is_nonconcurrent", Col.Bool, true),
            new("requests_recovery", Col.Bool, true), new("execution_group", Col.Name, true),
        ], ["sched_name", "entry_id"]),
        new("qrtz_scheduler_state",
        [
            new("sched_name", Col.Name, false), new("instance_name", Col.Name, false),
            new("last_checkin_time", Col.BigInt, false), new("checkin_interval", Col.BigInt, false),
        ], ["sched_name", "instance_name"]),
        new("qrtz_locks",
        [
            new("sched_name", Col.Name, false), new("lock_name", Col.Name, false),
        ], ["sched_name", "lock_name"]),
    ];

    private static readonly (string Name, string Table, string Columns)[] Indexes =
    [
        ("idx_qrtz_j_req_recovery", "qrtz_job_details", "sched_name, requests_recovery"),
        ("idx_qrtz_j_g_n", "qrtz_job_details", "sched_name, job_group, job_name"),
        ("idx_qrtz_t_next_fire_time", "qrtz_triggers", "sched_name, next_fire_time"),
        ("idx_qrtz_t_state", "qrtz_triggers", "sched_name, trigger_state"),
        ("idx_qrtz_t_nft_st", "qrtz_triggers", "sched_name, trigger_state, next_fire_time"),
        ("idx_qrtz_t_g_n", "qrtz_triggers", "sched_name, trigger_group, trigger_name"),
        ("idx_qrtz_ft_trig_nm_gp", "qrtz_fired_triggers", "sched_name, trigger_name, trigger_group"),
        ("idx_qrtz_ft_trig_inst_name", "qrtz_fired_triggers", "sched_name, instance_name"),
        ("idx_qrtz_ft_job_req_recovery", "qrtz_fired_triggers", "sched_name, requests_recovery"),
    ];

    public static void Up(MigrationBuilder migrationBuilder)
    {
        var sqlite = IsSqlite(migrationBuilder);
        foreach (var table in Tables)
        {
            migrationBuilder.Sql(CreateTable(table, sqlite) + ";");
        }

        foreach (var (name, table, columns) in Indexes)
        {
            migrationBuilder.Sql($"CREATE INDEX {name} ON {table} ({columns});");
        }

        if (sqlite)
        {
            // Quartz's own SQLite connections do not switch foreign keys on, so the cascades
            // from a trigger row to its detail rows are done by SQLite triggers as well.
            foreach (var child in Tables.Where(t => t.CascadeFromTriggers))
            {
                migrationBuilder.Sql(
                    $"CREATE TRIGGER {child.Name}_cascade AFTER DELETE ON qrtz_triggers BEGIN " +
                    $"DELETE FROM {child.Name} WHERE sched_name = OLD.sched_name AND trigger_name = OLD.trigger_name AND trigger_group = OLD.trigger_group; END;");
            }
        }
    }

    public static void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in Tables.Reverse())
        {
            migrationBuilder.Sql($"DROP TABLE IF EXISTS {table.Name};");
        }
    }

    private static bool IsSqlite(MigrationBuilder migrationBuilder) => migrationBuilder.ActiveProvider switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => true,
        "Npgsql.EntityFrameworkCore.PostgreSQL" => false,
        var other => throw new NotSupportedException($"No Quartz job store schema for provider '{other}'."),
    };

    private static string CreateTable(Table table, bool sqlite)
    {
        var sql = new StringBuilder($"CREATE TABLE {table.Name} (");
        foreach (var column in table.Columns)
        {
            sql.Append(column.Name).Append(' ').Append(TypeName(column.Type, sqlite)).Append(column.Nullable ? " NULL" : " NOT NULL");
            if (column.Default is not null)
            {
                sql.Append(" DEFAULT ").Append(sqlite && column.Default == "FALSE" ? "0" : column.Default);
            }

            sql.Append(", ");
        }

        sql.Append("PRIMARY KEY (").Append(string.Join(", ", table.Key)).Append(')');
        if (table.Name == "qrtz_triggers")
        {
            sql.Append(", FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details (sched_name, job_name, job_group)");
        }

        if (table.Parent is not null)
        {
            sql.Append($", FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES {table.Parent} (sched_name, trigger_name, trigger_group) ON DELETE CASCADE");
        }

        return sql.Append(')').ToString();
    }

    private static string TypeName(Col type, bool sqlite) => (type, sqlite) switch
    {
        (Col.Name, true) => "NVARCHAR(200)",
        (Col.Name, false) => "TEXT",
        (Col.Text, _) => "TEXT",
        (Col.BigInt, _) => "BIGINT",
        (Col.Int, _) => "INTEGER",
        (Col.Bool, true) => "BIT",
        (Col.Bool, false) => "BOOL",
        (Col.Blob, true) => "BLOB",
        (Col.Blob, false) => "BYTEA",
        (Col.Numeric, _) => "NUMERIC",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
