using System.Net;
using Exchange.Core.Content;
using Exchange.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Api.Tests;

/// <summary>
/// Case content is ciphertext in the database, plaintext through the API for the case's two
/// members, fails closed when a stored value is altered or moved, and a purge deletes the case's
/// data key without touching any other case (decision 0006).
/// </summary>
public sealed class CaseContentEncryptionTests(ApiFixture hosts) : IClassFixture<ApiFixture>
{
    private static Dictionary<string, string> Fields(string marker) => new()
    {
        ["summary"] = "Summary " + marker,
        ["product"] = "ERP Suite",
        ["productVersion"] = "12.4",
        ["description"] = "Description " + marker,
        ["customerOrganisation"] = "Contoso Manufacturing",
    };

    private async Task<(HttpClient Acme, HttpClient Globex, Guid Id, string Marker, Guid Authorisation)> OpenAsync()
    {
        var acme = await hosts.ClientAsync(ApiFixture.Acme);
        var globex = await hosts.ClientAsync(ApiFixture.Globex);
        var authorisation = await acme.AuthoriseAsync(["globex"]);
        // Letters only: a run of 13 or more hex digits can pass the Luhn check and be redacted as a card number.
        var marker = "mk" + string.Concat(Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));
        var (id, _) = await acme.OpenCaseAsync("globex", authorisation, Fields(marker));
        return (acme, globex, id, marker, authorisation);
    }

    private async Task<string> StoredAsync(Guid id, string field)
    {
        await using var db = hosts.Database.CreateContext();
        return await db.Database.SqlQuery<string>($"SELECT \"Value\" AS \"Value\" FROM case_fields WHERE \"CaseId\" = {id} AND \"Name\" = {field}").SingleAsync();
    }

    private async Task StoreAsync(Guid id, string field, string value)
    {
        await using var db = hosts.Database.CreateContext();
        Assert.Equal(1, await db.Database.ExecuteSqlAsync($"UPDATE case_fields SET \"Value\" = {value} WHERE \"CaseId\" = {id} AND \"Name\" = {field}"));
    }

    [Fact]
    public async Task Content_round_trips_through_the_API_and_is_ciphertext_in_every_content_column()
    {
        var (acme, globex, id, marker, _) = await OpenAsync();
        var accepted = await globex.PostAsync($"/api/v1/cases/{id}/accept", new { receiverCaseReference = "GLX-" + marker },
            ifMatch: (await globex.GetAsync($"/api/v1/cases/{id}")).ETag());
        await accepted.ExpectAsync(HttpStatusCode.OK);
        await (await globex.PostAsync($"/api/v1/cases/{id}/notes", new { body = "Note " + marker })).ExpectAsync(HttpStatusCode.Created);
        var resolved = await globex.PostAsync($"/api/v1/cases/{id}/resolve", new { stepsTaken = "Steps " + marker, conclusion = "Conclusion " + marker },
            ifMatch: (await globex.GetAsync($"/api/v1/cases/{id}")).ETag());
        await resolved.ExpectAsync(HttpStatusCode.OK);

        var read = await (await acme.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Description " + marker, read["fields"]!["description"]!.GetValue<string>());
        Assert.Equal("Summary " + marker, read["fields"]!["summary"]!.GetValue<string>());
        Assert.Equal("GLX-" + marker, read["receiverCaseReference"]!.GetValue<string>());
        Assert.Equal("Steps " + marker, read["stepsTaken"]!.GetValue<string>());
        Assert.Equal("Conclusion " + marker, read["conclusion"]!.GetValue<string>());
        var notes = await (await globex.GetAsync($"/api/v1/cases/{id}/notes")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(notes.AsArray(), n => n!["body"]!.GetValue<string>() == "Note " + marker);
        var list = await (await acme.GetAsync("/api/v1/cases?box=outbox&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(list["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == id && i["summary"]!.GetValue<string>() == "Summary " + marker);

        // In the database: every content column is marked sealed and none holds the marker.
        await using var db = hosts.Database.CreateContext();
        var raw = new List<string?>();
        raw.AddRange(await db.Database.SqlQuery<string>($"SELECT \"Value\" AS \"Value\" FROM case_fields WHERE \"CaseId\" = {id}").ToListAsync());
        raw.AddRange(await db.Database.SqlQuery<string>($"SELECT \"Body\" AS \"Value\" FROM case_notes WHERE \"CaseId\" = {id}").ToListAsync());
        raw.AddRange(await db.Database.SqlQuery<string?>($"SELECT \"StepsTaken\" AS \"Value\" FROM cases WHERE \"Id\" = {id}").ToListAsync());
        raw.AddRange(await db.Database.SqlQuery<string?>($"SELECT \"Conclusion\" AS \"Value\" FROM cases WHERE \"Id\" = {id}").ToListAsync());
        raw.AddRange(await db.Database.SqlQuery<string?>($"SELECT \"ReceiverCaseReference\" AS \"Value\" FROM cases WHERE \"Id\" = {id}").ToListAsync());
        raw.AddRange(await db.Database.SqlQuery<string?>($"SELECT \"SubmitterCaseReference\" AS \"Value\" FROM cases WHERE \"Id\" = {id}").ToListAsync());
        Assert.Equal(read["fields"]!.AsObject().Count + 1 + 4, raw.Count);
        Assert.All(raw, value =>
        {
            Assert.NotNull(value);
            Assert.DoesNotContain(marker, value, StringComparison.Ordinal);
            Assert.DoesNotContain("ACME-1", value, StringComparison.Ordinal);
            Assert.Equal(1, Convert.FromBase64String(value)[0]);
        });
        Assert.Equal(1, await db.Database.SqlQuery<int>($"SELECT \"ContentVersion\" AS \"Value\" FROM cases WHERE \"Id\" = {id}").SingleAsync());
        Assert.All(await db.Database.SqlQuery<int>($"SELECT \"ContentVersion\" AS \"Value\" FROM case_fields WHERE \"CaseId\" = {id}").ToListAsync(), v => Assert.Equal(1, v));
        Assert.All(await db.Database.SqlQuery<int>($"SELECT \"ContentVersion\" AS \"Value\" FROM case_notes WHERE \"CaseId\" = {id}").ToListAsync(), v => Assert.Equal(1, v));

        // The data key is stored wrapped by a key-encryption key that lives in the key directory, not the database.
        var key = await db.CaseDataKeys.AsNoTracking().SingleAsync(k => k.CaseId == id);
        Assert.Contains(key.KekId, hosts.Database.ContentKeys.Ids());
        Assert.Equal(60, key.WrappedKey.Length);
    }

    [Fact]
    public async Task A_tampered_ciphertext_fails_closed()
    {
        var (acme, _, id, marker, _) = await OpenAsync();
        var stored = Convert.FromBase64String(await StoredAsync(id, "summary"));
        stored[^1] ^= 0x01;
        await StoreAsync(id, "summary", Convert.ToBase64String(stored));

        var response = await acme.GetAsync($"/api/v1/cases/{id}");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ERP Suite", text, StringComparison.Ordinal);

        // The list still answers: the damaged case's line carries no content, the others theirs.
        var (_, _, other, otherMarker, _) = await OpenAsync();
        var list = await (await acme.GetAsync("/api/v1/cases?box=outbox&limit=100")).ExpectAsync(HttpStatusCode.OK);
        var items = list["items"]!.AsArray();
        Assert.Null(items.Single(i => i!["id"]!.GetValue<Guid>() == id)!["summary"]);
        Assert.Equal("Summary " + otherMarker, items.Single(i => i!["id"]!.GetValue<Guid>() == other)!["summary"]!.GetValue<string>());
        Assert.DoesNotContain(marker, list.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_case_or_another_field_fails_closed()
    {
        var (acme, _, first, firstMarker, _) = await OpenAsync();
        var (_, _, second, secondMarker, _) = await OpenAsync();
        var third = (await OpenAsync()).Id;

        // Another case of the same two members: its own key cannot open it, and the first's key is bound to the first case.
        await StoreAsync(second, "description", await StoredAsync(first, "description"));
        var moved = await acme.GetAsync($"/api/v1/cases/{second}");
        Assert.Equal(HttpStatusCode.InternalServerError, moved.StatusCode);
        Assert.DoesNotContain(firstMarker, await moved.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another field of the same case: bound to the field's name.
        await StoreAsync(third, "summary", await StoredAsync(third, "description"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await acme.GetAsync($"/api/v1/cases/{third}")).StatusCode);

        // The case the ciphertext came from is untouched.
        var read = await (await acme.GetAsync($"/api/v1/cases/{first}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Description " + firstMarker, read["fields"]!["description"]!.GetValue<string>());
        Assert.NotEqual(firstMarker, secondMarker);
    }

    [Fact]
    public async Task A_purge_deletes_the_case_data_key_and_leaves_every_other_case_readable()
    {
        var (acme, globex, purged, purgedMarker, authorisation) = await OpenAsync();
        var (_, _, kept, keptMarker, _) = await OpenAsync();
        await using (var db = hosts.Database.CreateContext())
        {
            Assert.True(await db.CaseDataKeys.AnyAsync(k => k.CaseId == purged));
        }

        // Withdrawing the authorisation purges its case at once, in the withdrawal's transaction.
        await (await acme.PostAsync($"/api/v1/customer-authorisations/{authorisation}/withdraw", new { reason = "Customer withdrew" })).ExpectAsync(HttpStatusCode.OK);

        var tombstone = await (await acme.GetAsync($"/api/v1/cases/{purged}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("purged", tombstone["status"]!.GetValue<string>());
        Assert.DoesNotContain("Description " + purgedMarker, tombstone.ToJsonString(), StringComparison.Ordinal);
        await using (var db = hosts.Database.CreateContext())
        {
            Assert.False(await db.CaseDataKeys.AnyAsync(k => k.CaseId == purged));
            Assert.True(await db.CaseDataKeys.AnyAsync(k => k.CaseId == kept));
        }

        var read = await (await globex.GetAsync($"/api/v1/cases/{kept}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Description " + keptMarker, read["fields"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rows_stored_in_plaintext_before_encryption_are_read_as_before_and_sealed_by_the_migrate_step()
    {
        var (acme, _, id, marker, _) = await OpenAsync();
        // The case as a database written before decision 0006 holds it: plaintext, marker 0, no data key.
        await using (var db = hosts.Database.CreateContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE case_fields SET \"Value\" = {"Legacy " + marker}, \"ContentVersion\" = 0 WHERE \"CaseId\" = {id} AND \"Name\" = 'description'");
            await db.Database.ExecuteSqlAsync($"UPDATE cases SET \"SubmitterCaseReference\" = {"LEG-" + marker}, \"ContentVersion\" = 0 WHERE \"Id\" = {id}");
        }

        var before = await (await acme.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Legacy " + marker, before["fields"]!["description"]!.GetValue<string>());
        Assert.Equal("Summary " + marker, before["fields"]!["summary"]!.GetValue<string>());
        Assert.Equal("LEG-" + marker, before["submitterCaseReference"]!.GetValue<string>());

        await using (var db = hosts.Database.CreateContext())
        {
            Assert.True(await ContentKeyRotation.SealPlaintextAsync(db, new Exchange.Core.Audit.AuditLog(db, TimeProvider.System), batchSize: 2) >= 1);
            Assert.DoesNotContain(marker, await StoredAsync(id, "description"), StringComparison.Ordinal);
            Assert.Equal(0, await db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM case_fields WHERE \"ContentVersion\" = 0").SingleAsync());
            Assert.Equal(0, await db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM cases WHERE \"ContentVersion\" = 0").SingleAsync());
            Assert.DoesNotContain(marker, await db.Database.SqlQuery<string>($"SELECT \"SubmitterCaseReference\" AS \"Value\" FROM cases WHERE \"Id\" = {id}").SingleAsync(), StringComparison.Ordinal);
        }

        var after = await (await acme.GetAsync($"/api/v1/cases/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Legacy " + marker, after["fields"]!["description"]!.GetValue<string>());
        Assert.Equal("LEG-" + marker, after["submitterCaseReference"]!.GetValue<string>());
    }
}
