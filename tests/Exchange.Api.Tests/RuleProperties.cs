using System.Globalization;
using System.Net;
using Exchange.Core.Agreements;
using Exchange.Core.Authorisations;
using Exchange.Core.Cases;
using Exchange.Core.Members;
using FsCheck;
using FsCheck.Fluent;

namespace Exchange.Api.Tests;

/// <summary>Property-based tests of minimisation and the submission rules, without hosts.</summary>
public sealed class MinimisationProperties
{
    private static readonly string[] Shareable = FieldCatalogue.All.Where(f => f.Category != DataCategory.Special).Select(f => f.Name).ToArray();
    private static readonly DataCategory[] Categories = [DataCategory.Technical, DataCategory.Organisation, DataCategory.Contact];

    private static readonly Gen<string> BenignValue =
        Gen.Elements("alpha", "beta", "Gamma ray", "driver crash", "v12", "ERP Suite", "timeout after save").Select(v => v);

    private static Gen<Dictionary<string, string>> Submitted =>
        from names in Gen.SubListOf(Shareable)
        from values in Gen.ListOf(BenignValue, names.Count)
        select names.Zip(values).ToDictionary(p => p.First, p => p.Second);

    private sealed record Scenario(Dictionary<string, string> Submitted, List<string> Accepted, List<DataCategory> Agreement, List<DataCategory> Authorised);

    private static Arbitrary<Scenario> Scenarios =>
        (from submitted in Submitted
         from accepted in Gen.SubListOf(Shareable)
         from agreement in Gen.SubListOf(Categories)
         from authorised in Gen.SubListOf(Categories)
         select new Scenario(submitted, accepted.ToList(), agreement.ToList(), authorised.ToList())).ToArbitrary();

    private static bool Allowed(Scenario s, string field)
    {
        var category = FieldCatalogue.Find(field)!.Category;
        return s.Accepted.Contains(field) && s.Agreement.Contains(category) && s.Authorised.Contains(category);
    }

    [Fact]
    public void What_is_kept_is_exactly_the_four_way_intersection_with_values_unchanged() =>
        Prop.ForAll(Scenarios, s =>
        {
            var result = Minimisation.Apply(s.Submitted, s.Accepted, s.Agreement, s.Authorised);
            var expected = s.Submitted.Keys.Where(f => Allowed(s, f)).Order(StringComparer.Ordinal);
            return result.Kept.Keys.Order(StringComparer.Ordinal).SequenceEqual(expected)
                && result.Kept.All(k => s.Submitted[k.Key] == k.Value);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Every_submitted_field_is_either_kept_or_withheld_with_the_first_reason_that_excludes_it() =>
        Prop.ForAll(Scenarios, s =>
        {
            var result = Minimisation.Apply(s.Submitted, s.Accepted, s.Agreement, s.Authorised);
            var withheld = result.Withheld.ToDictionary(w => w.Field, w => w.Reason);
            return s.Submitted.Keys.All(f => result.Kept.ContainsKey(f) ^ withheld.ContainsKey(f))
                && withheld.All(w =>
                {
                    var category = FieldCatalogue.Find(w.Key)!.Category;
                    var expected = !s.Accepted.Contains(w.Key) ? WithheldReasons.NotAcceptedByReceiver
                        : !s.Agreement.Contains(category) ? WithheldReasons.CategoryNotPermittedByAgreement
                        : WithheldReasons.CategoryNotAuthorised;
                    return w.Value == expected;
                });
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_special_category_field_is_never_kept_whatever_the_policies_say() =>
        Prop.ForAll(Scenarios, s =>
        {
            var submitted = new Dictionary<string, string>(s.Submitted) { [FieldCatalogue.HealthImpact] = "x" };
            var result = Minimisation.Apply(submitted, [.. s.Accepted, FieldCatalogue.HealthImpact], [.. s.Agreement, DataCategory.Special], [.. s.Authorised, DataCategory.Special]);
            return !result.Kept.ContainsKey(FieldCatalogue.HealthImpact)
                && result.Withheld.Any(w => w.Field == FieldCatalogue.HealthImpact && w.Reason == WithheldReasons.SpecialCategory);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_submission_rules_store_the_intersection_when_every_gate_passes() =>
        Prop.ForAll(Scenarios, s =>
        {
            var now = DateTime.UtcNow;
            var receiver = new Member
            {
                Id = "b", LegalName = "B", Region = "EU",
                IntakePolicy = new IntakePolicy { AcceptedFields = s.Accepted, RequiredFields = [] },
            };
            var agreement = new Agreement
            {
                Kind = AgreementKind.Bilateral, DocumentReference = "d", DocumentSha256 = "x", Version = "1", Status = AgreementStatus.InForce,
                EffectiveFrom = now.AddDays(-1), ExpiresAt = now.AddDays(1), PermittedCategories = s.Agreement, PermittedRegions = ["EU"],
                Parties = [new AgreementParty { PartyId = "a" }, new AgreementParty { PartyId = "b" }],
            };
            var authorisation = new CustomerAuthorisation
            {
                SubmittingMemberId = "a", CustomerOrganisation = "ERP Suite", AuthorisedByName = "n", Purpose = "p", EvidenceReference = "e",
                ReceivingMemberIds = ["b"], DataCategories = s.Authorised, ExpiresAt = now.AddDays(1),
            };
            var submitted = new Dictionary<string, string>(s.Submitted);
            submitted.Remove(FieldCatalogue.CustomerOrganisation);
            var outcome = CaseSubmissionRules.Evaluate(new SubmissionContext("a", receiver, [agreement], authorisation, submitted, now));
            return outcome.Refusal is null
                && outcome.Accepted!.Fields.Keys.Order(StringComparer.Ordinal).SequenceEqual(submitted.Keys.Where(f => Allowed(s, f)).Order(StringComparer.Ordinal));
        }).QuickCheckThrowOnFailure();
}

/// <summary>Property-based tests of the free-text personal data scanner.</summary>
public sealed class PersonalDataScannerProperties
{
    private static readonly Gen<string> Word = Gen.Elements("the", "printer", "driver", "crashes", "after", "update", "on", "save", "ERP", "client", "version", "error", "code", "log", "shows", "null", "timeout");
    private static readonly Gen<string> Punctuation = Gen.Elements(" ", " ", " ", ", ", ". ", "; ", " - ", " (", ") ", "\n");

    /// <summary>Text of ordinary words, punctuation, small numbers, versions, dates and times: nothing personal.</summary>
    private static readonly Gen<string> Number = Gen.OneOf(
        Gen.Choose(0, 999).Select(n => n.ToString(CultureInfo.InvariantCulture)),
        from a in Gen.Choose(0, 20) from b in Gen.Choose(0, 99) from c in Gen.Choose(0, 999) select $"{a}.{b}.{c}",
        from y in Gen.Choose(2000, 2099) from m in Gen.Choose(1, 12) from d in Gen.Choose(1, 28) select $"{y:D4}-{m:D2}-{d:D2}",
        from h in Gen.Choose(0, 23) from mi in Gen.Choose(0, 59) from s in Gen.Choose(0, 59) select $"{h:D2}:{mi:D2}:{s:D2}");

    // A number is followed by a word, as in prose ("504 rows", "12.4 build"): runs of bare numbers
    // side by side could honestly be a phone number.
    private static readonly Gen<string> Token = Gen.OneOf(
        Word,
        from number in Number from word in Word select number + " " + word);

    /// <summary>Text of ordinary words, small numbers, versions, dates and times, each followed by punctuation: nothing personal.</summary>
    private static readonly Gen<string> Benign =
        from parts in Gen.ListOf(from token in Token from separator in Punctuation select token + separator)
        select string.Concat(parts);

    private static Gen<string> Lower(int min, int max) =>
        from n in Gen.Choose(min, max) from cs in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray()), n) select new string(cs);

    private static Gen<string> Digits(int n) => Gen.ArrayOf(Gen.Choose(0, 9), n).Select(ds => string.Concat(ds));

    private static readonly Gen<string> Email =
        from local in Lower(1, 10) from dot in Gen.Elements("", ".", "_", "+") from more in Lower(1, 5) from domain in Lower(2, 10) from tld in Gen.Elements("com", "example", "co.uk", "de")
        select $"{local}{dot}{more}@{domain}.{tld}";

    private static readonly Gen<string> Card =
        from first in Gen.Choose(1, 9) from rest in Digits(14) from separator in Gen.Elements("", " ", "-")
        let body = first + rest
        let digits = body + LuhnCheckDigit(body)
        select string.Join(separator, Enumerable.Range(0, 4).Select(i => digits.Substring(i * 4, 4)));

    private static readonly Gen<string> Ipv4 =
        from a in Gen.Choose(1, 255) from b in Gen.Choose(0, 255) from c in Gen.Choose(0, 255) from d in Gen.Choose(0, 255) select $"{a}.{b}.{c}.{d}";

    private static readonly Gen<string> Ipv6 =
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255), 16) select new IPAddress(bytes.Select(b => (byte)b).ToArray()).ToString();

    private static readonly Gen<string> Phone =
        from cc in Gen.Elements("+44", "+49", "+1", "+31", "0044") from area in Gen.Choose(20, 999) from a in Digits(3) from b in Digits(4) from sep in Gen.Elements(" ", "-", ".")
        select $"{cc} {area}{sep}{a}{sep}{b}";

    private static readonly Gen<string> Iban =
        from country in Gen.Elements("DE", "NL", "FR", "GB") from bban in Digits(18) from spaced in Gen.Elements(true, false)
        let check = IbanCheckDigits(country, bban)
        let iban = country + check + bban
        select spaced ? string.Join(" ", iban.Chunk(4).Select(c => new string(c))) : iban;

    private static readonly Gen<string> Nino =
        from first in Gen.Elements("ABCEGHJKLMNOPRSTWXYZ".ToCharArray()) from second in Gen.Elements("ABCEGHJKLMNPRSTWXYZ".ToCharArray()) from digits in Digits(6) from suffix in Gen.Elements('A', 'B', 'C', 'D')
        select $"{first}{second}{digits}{suffix}";

    private static readonly Gen<string> Ssn =
        from area in Gen.Choose(1, 665) from grp in Gen.Choose(1, 99) from serial in Gen.Choose(1, 9999) select $"{area:D3}-{grp:D2}-{serial:D4}";

    private static void Detects(Gen<string> personal, PersonalDataKind kind) =>
        Prop.ForAll((from before in Benign from value in personal from after in Benign select (before, value, after)).ToArbitrary(), t =>
        {
            var text = $"{t.before}, {t.value}, {t.after}";
            var scan = PersonalDataScanner.Scan(text);
            return scan.Matches.Any(m => m.Kind == kind && text.Substring(m.Start, m.Length).Contains(t.value.Trim(), StringComparison.Ordinal))
                && !scan.Redacted.Contains(t.value, StringComparison.Ordinal)
                && scan.Redacted.Contains(PersonalDataScanner.PlaceholderFor(kind), StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Email_addresses_are_found_and_redacted() => Detects(Email, PersonalDataKind.Email);

    [Fact]
    public void Luhn_valid_card_numbers_are_found_and_redacted() => Detects(Card, PersonalDataKind.PaymentCard);

    [Fact]
    public void IPv4_addresses_are_found_and_redacted() => Detects(Ipv4, PersonalDataKind.IpAddress);

    [Fact]
    public void IPv6_addresses_are_found_and_redacted() => Detects(Ipv6.Where(a => a.Count(c => c == ':') >= 2 && a.Length > 3), PersonalDataKind.IpAddress);

    [Fact]
    public void Phone_numbers_are_found_and_redacted() => Detects(Phone, PersonalDataKind.Phone);

    [Fact]
    public void IBANs_with_a_valid_check_are_found_and_redacted() => Detects(Iban, PersonalDataKind.NationalIdentifier);

    [Fact]
    public void UK_national_insurance_numbers_are_found_and_redacted() => Detects(Nino, PersonalDataKind.NationalIdentifier);

    [Fact]
    public void US_social_security_numbers_are_found_and_redacted() => Detects(Ssn, PersonalDataKind.NationalIdentifier);

    [Fact]
    public void Ordinary_technical_text_with_versions_dates_and_times_has_no_findings() =>
        Prop.ForAll(Benign.ToArbitrary(), text =>
        {
            var scan = PersonalDataScanner.Scan(text);
            Assert.False(scan.Found, string.Join(" | ", scan.Matches.Select(m => $"{m.Kind}: '{text.Substring(m.Start, m.Length)}'")));
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Sixteen_digits_failing_the_Luhn_check_are_not_a_card_number() =>
        Prop.ForAll((from first in Gen.Choose(1, 9) from rest in Digits(14) select first + rest).ToArbitrary(), body =>
        {
            var wrong = (int.Parse(LuhnCheckDigit(body), CultureInfo.InvariantCulture) + 1) % 10;
            return !PersonalDataScanner.Scan($"order {body}{wrong} shipped").Found;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Redacted_text_scans_clean_and_keeps_the_surrounding_text() =>
        Prop.ForAll((from before in Benign from value in Gen.OneOf(Email, Card, Ipv4, Phone, Iban, Nino, Ssn) from after in Benign select (before, value, after)).ToArbitrary(), t =>
        {
            var scan = PersonalDataScanner.Scan($"{t.before}, {t.value}, {t.after}");
            return !PersonalDataScanner.Scan(scan.Redacted).Found
                && scan.Redacted.StartsWith(t.before, StringComparison.Ordinal)
                && scan.Redacted.EndsWith(t.after, StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();

    [Theory]
    [InlineData("4111 1111 1111 1111", true)]
    [InlineData("4111 1111 1111 1112", false)]
    [InlineData("GB82 WEST 1234 5698 7654 32", true)]
    [InlineData("GB82 WEST 1234 5698 7654 33", false)]
    [InlineData("QQ 12 34 56 C", false)] // QQ is never issued as a NINO prefix
    [InlineData("AB 12 34 56 C", true)]
    [InlineData("078-05-1120", true)]
    [InlineData("666-12-3456", false)]
    [InlineData("fe80::1ff:fe23:4567:890a", true)]
    [InlineData("build 10.0.19045 on 2026-11-22 at 12:30:45", false)]
    public void Known_examples_are_classified_as_expected(string text, bool personal) =>
        Assert.Equal(personal, PersonalDataScanner.Scan(text).Found);

    private static string LuhnCheckDigit(string body)
    {
        for (var d = 0; d <= 9; d++)
        {
            if (PersonalDataScanner.IsLuhnValid(body + d))
            {
                return d.ToString(CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    private static string IbanCheckDigits(string country, string bban)
    {
        var rearranged = bban + country + "00";
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }

        return (98 - remainder).ToString("D2", CultureInfo.InvariantCulture);
    }
}

/// <summary>The state machine's table: who may do what from which state.</summary>
public sealed class CaseLifecycleRules
{
    private static CollaborationCase Case(CaseStatus status) => new()
    {
        SubmittingMemberId = "a", ReceivingMemberId = "b", SubmitterCaseReference = "r", OpenedBy = "x", OpenedByInitials = "X", Status = status,
    };

    [Theory]
    [InlineData(CaseAction.Accept, CaseSide.Receiver, CaseStatus.Submitted, CaseStatus.Accepted)]
    [InlineData(CaseAction.Reject, CaseSide.Receiver, CaseStatus.Submitted, CaseStatus.Rejected)]
    [InlineData(CaseAction.RequestInformation, CaseSide.Receiver, CaseStatus.Submitted, CaseStatus.InformationRequested)]
    [InlineData(CaseAction.ProvideInformation, CaseSide.Submitter, CaseStatus.InformationRequested, CaseStatus.Submitted)]
    [InlineData(CaseAction.Resolve, CaseSide.Submitter, CaseStatus.Accepted, CaseStatus.Resolved)]
    [InlineData(CaseAction.Resolve, CaseSide.Receiver, CaseStatus.Accepted, CaseStatus.Resolved)]
    [InlineData(CaseAction.Halt, CaseSide.System, CaseStatus.InformationRequested, CaseStatus.Halted)]
    [InlineData(CaseAction.Withdraw, CaseSide.Submitter, CaseStatus.Submitted, CaseStatus.Withdrawn)]
    [InlineData(CaseAction.Withdraw, CaseSide.Submitter, CaseStatus.Accepted, CaseStatus.Withdrawn)]
    public void Allowed_transitions_move_the_case_and_change_its_version(CaseAction action, CaseSide side, CaseStatus from, CaseStatus to)
    {
        var collaboration = Case(from);
        var version = collaboration.Version;
        Assert.Null(CaseLifecycle.Check(collaboration, action, side));
        CaseLifecycle.Apply(collaboration, action, side, new CaseTimes(DateTime.UtcNow, new IntakePolicy(), TimeSpan.FromDays(2)));
        Assert.Equal(to, collaboration.Status);
        Assert.NotEqual(version, collaboration.Version);
        Assert.Equal(!collaboration.IsOpen, collaboration.PurgeDueAt is not null);
    }

    [Fact]
    public void Every_other_combination_is_refused_as_forbidden_or_conflict()
    {
        var allowed = new HashSet<(CaseAction, CaseSide, CaseStatus)>
        {
            (CaseAction.Accept, CaseSide.Receiver, CaseStatus.Submitted),
            (CaseAction.Reject, CaseSide.Receiver, CaseStatus.Submitted),
            (CaseAction.RequestInformation, CaseSide.Receiver, CaseStatus.Submitted),
            (CaseAction.ProvideInformation, CaseSide.Submitter, CaseStatus.InformationRequested),
            (CaseAction.Resolve, CaseSide.Submitter, CaseStatus.Accepted),
            (CaseAction.Resolve, CaseSide.Receiver, CaseStatus.Accepted),
        };
        foreach (var status in new[] { CaseStatus.Submitted, CaseStatus.InformationRequested, CaseStatus.Accepted })
        {
            allowed.Add((CaseAction.AddNote, CaseSide.Submitter, status));
            allowed.Add((CaseAction.AddNote, CaseSide.Receiver, status));
            allowed.Add((CaseAction.Halt, CaseSide.System, status));
            allowed.Add((CaseAction.Withdraw, CaseSide.Submitter, status));
        }

        foreach (var action in Enum.GetValues<CaseAction>())
        foreach (var side in Enum.GetValues<CaseSide>())
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            var refusal = CaseLifecycle.Check(Case(status), action, side);
            Assert.True(allowed.Contains((action, side, status)) == (refusal is null), $"{action} by {side} from {status}");
            if (refusal is not null)
            {
                Assert.Contains(refusal.Kind, new[] { RefusalKind.Forbidden, RefusalKind.Conflict });
            }
        }
    }

    [Fact]
    public void Retention_is_the_shorter_of_the_two_members_falling_back_to_the_default()
    {
        Member M(TimeSpan? retention) => new() { Id = "m", LegalName = "m", Region = "EU", Retention = retention };
        Assert.Equal(TimeSpan.FromDays(1), CaseLifecycle.Retention(M(TimeSpan.FromDays(1)), M(null), TimeSpan.FromDays(30)));
        Assert.Equal(TimeSpan.FromDays(30), CaseLifecycle.Retention(M(null), M(TimeSpan.FromDays(90)), TimeSpan.FromDays(30)));
        Assert.Equal(TimeSpan.Zero, CaseLifecycle.Retention(M(TimeSpan.Zero), M(TimeSpan.FromDays(5)), TimeSpan.FromDays(30)));
    }
}
