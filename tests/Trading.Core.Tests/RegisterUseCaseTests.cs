using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Keys;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>
/// The registers' use cases (keys, enterprises, products, import starts) through the real write shell on an in-memory port:
/// replays and repeats write nothing a second time, refusals write nothing and leave the key unbound, and who may do
/// what is decided inside the use case.
/// </summary>
public sealed class RegisterUseCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Principal Admin = Principal.Admin;
    private static readonly BankId Icbc = BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
    private static readonly CreditCode Firm = CreditCode.FromBody("91131024MA0000001");

    private static Principal Caller(string role, string subject) => role switch
    {
        "admin" => Principal.Admin,
        "official" => Principal.Official(RegionPrefix.Parse(subject)),
        "enterprise" => Principal.Enterprise(CreditCode.Parse(subject)),
        _ => Principal.Bank(BankId.TryParse(subject, out var bank, out _) ? bank : default),
    };

    private static InMemoryRegister<ApiKey> Keys() => new("keys", r => r is ApiKey k ? (k.Hash, k) : null,
        (id, k, _) => ApiKey.IsId(id) ? k.Id == id : k.Hash == id);

    private static InMemoryRegister<Enterprise> Enterprises() => new("enterprises", r => r is RegisteredEnterprise e ? (e.Enterprise.CreditCode.Value, e.Enterprise) : null);

    private static InMemoryRegister<LoanProduct> Products() => new("products", r => r is LoanProduct p ? (p.ProductId, p) : null);

    private static InMemoryRegister<ImportJobStarted> Imports() => new("imports", r => r is ImportJobStarted j ? (StartImport.JobRow, j) : null);

    private static string NewHash() => Hashing.Sha256Hex(Guid.NewGuid().ToString());

    private static readonly Principal Bank = Principal.Bank(Icbc);

    // ---- keys

    [Fact]
    public void A_key_issue_replayed_under_its_idempotency_key_answers_the_same_key_and_writes_no_second_key_or_audit_record()
    {
        var keys = Keys();
        var first = keys.Run(new IssueKey(NewHash(), Bank, null, true), Admin, "issue-1", Now);
        // The retry draws a new random key: the request is the same, so the first key is the answer.
        var again = keys.Run(new IssueKey(NewHash(), Bank, null, true), Admin, "issue-1", Now);
        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.ResourceId, again.ResourceId);
        Assert.Equal(first.Body, again.Body);
        Assert.Single(keys.Items(ApiKey.Partition));
        Assert.Single(keys.Audit(ApiKey.Partition));
        Assert.Single(keys.Commits);
        Assert.Equal(Now + ApiKey.DefaultLifetime, keys.Items(ApiKey.Partition).Single().ExpiresAt);
    }

    [Fact]
    public void A_key_issue_whose_commit_answer_was_lost_answers_the_key_it_committed_with_one_audit_record()
    {
        var keys = Keys();
        keys.LoseNextAnswers = 1;
        var hash = NewHash();
        var outcome = keys.Run(new IssueKey(hash, Bank, null, false), Admin, null, Now);
        Assert.Equal(hash, outcome.Answer!.Hash);
        Assert.Single(keys.Items(ApiKey.Partition));
        Assert.Single(keys.Audit(ApiKey.Partition));
    }

    [Fact]
    public void A_key_issue_refused_writes_nothing_and_leaves_its_idempotency_key_unbound()
    {
        var keys = Keys();
        Assert.Throws<RuleViolationException>(() => keys.Run(new IssueKey(NewHash(), Bank, Now.AddDays(-1), true), Admin, "issue-past", Now));
        Assert.Empty(keys.Commits);
        Assert.Empty(keys.Bindings.Bound);
        // The key is free for a good request.
        Assert.False(keys.Run(new IssueKey(NewHash(), Bank, Now.AddDays(1), true), Admin, "issue-past", Now).Replayed);
    }

    [Fact]
    public void Revoking_a_key_twice_answers_the_same_and_writes_one_audit_record()
    {
        var keys = Keys();
        var id = keys.Run(new IssueKey(NewHash(), Bank, null, false), Admin, null, Now).Answer!.Id;
        var first = keys.Run(new RevokeKey(id), Admin, null, Now.AddHours(1));
        var again = keys.Run(new RevokeKey(id), Admin, null, Now.AddHours(2));
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(Now.AddHours(1), keys.Items(ApiKey.Partition).Single().RevokedAt);
        Assert.Equal(["key.issued", "key.revoked"], keys.Audit(ApiKey.Partition).Select(a => a.Action));
        Assert.Throws<NotFoundException>(() => keys.Run(new RevokeKey("k0000000000000000"), Admin, null, Now));
    }

    [Theory]
    [InlineData("official", "13")]
    [InlineData("enterprise", "91131024MA00000010")]
    [InlineData("bank", "ICBC-LF")]
    public void Only_admin_issues_and_revokes_keys(string role, string subject)
    {
        if (role == "enterprise") subject = Firm.Value;
        var keys = Keys();
        var id = keys.Run(new IssueKey(NewHash(), Bank, null, false), Admin, null, Now).Answer!.Id;
        Assert.Throws<ForbiddenException>(() => keys.Run(new IssueKey(NewHash(), Bank, null, true), Caller(role, subject), "k", Now));
        Assert.Throws<ForbiddenException>(() => keys.Run(new RevokeKey(id), Caller(role, subject), null, Now));
        Assert.Single(keys.Commits);
        Assert.Empty(keys.Bindings.Bound);
    }

    // ---- enterprises

    private static Enterprise FirmIn(string region, string name = "甲", DateTimeOffset? at = null) =>
        new(Firm, name, RegionCode.Parse(region), Industry.Cement, PerformanceGrade.B, new DateOnly(2027, 12, 31), false, CreditRating.Blue, at ?? Now);

    [Fact]
    public void An_identical_enterprise_put_writes_nothing_and_no_audit_record_and_answers_the_firm_as_stored()
    {
        var register = Enterprises();
        Assert.Equal(PutOutcome.Created, register.Run(new PutEnterprise(FirmIn("131024")), Admin, null, Now).Answer!.Outcome);
        var again = register.Run(new PutEnterprise(FirmIn("131024", at: Now.AddHours(1))), Admin, null, Now.AddHours(1)).Answer!;
        Assert.Equal(PutOutcome.Unchanged, again.Outcome);
        Assert.Equal(Now, again.Enterprise.UpdatedAt);
        Assert.Single(register.Commits);
        Assert.Single(register.Audit(Firm.Value));
        var moved = register.Run(new PutEnterprise(FirmIn("131025", at: Now.AddHours(2))), Admin, null, Now.AddHours(2)).Answer!;
        Assert.Equal((PutOutcome.Updated, "131024"), (moved.Outcome, moved.MovedFrom!.Value.Value));
        Assert.Equal(["enterprise.created", "enterprise.replaced"], register.Audit(Firm.Value).Select(a => a.Action));
    }

    [Fact]
    public void An_enterprise_put_whose_commit_answer_was_lost_is_recorded_once()
    {
        var register = Enterprises();
        register.LoseNextAnswers = 1;
        register.Run(new PutEnterprise(FirmIn("131024")), Admin, null, Now);
        Assert.Single(register.Items(Firm.Value));
        Assert.Single(register.Audit(Firm.Value));
    }

    /// <summary>Who may put a firm: admin anywhere; an official in scope of the firm's old and new region; nobody else.</summary>
    [Theory]
    [InlineData("admin", "", "131024", "131024", true)]
    [InlineData("official", "1310", null, "131024", true)]
    [InlineData("official", "13", "131024", "130100", true)]
    [InlineData("official", "1320", null, "131024", false)]
    [InlineData("official", "1310", "130100", "131024", false)]
    [InlineData("official", "1310", "131024", "130100", false)]
    [InlineData("enterprise", "self", null, "131024", false)]
    [InlineData("bank", "ICBC-LF", null, "131024", false)]
    public void Enterprise_put_access_by_role_and_scope_of_the_old_and_new_region(string role, string subject, string? oldRegion, string newRegion, bool allowed)
    {
        var register = Enterprises();
        if (oldRegion is not null) register.Run(new PutEnterprise(FirmIn(oldRegion)), Admin, null, Now);
        var commits = register.Commits.Count;
        var caller = Caller(role, subject == "self" ? Firm.Value : subject);
        var put = new PutEnterprise(FirmIn(newRegion, "乙"));
        if (allowed) Assert.NotEqual(PutOutcome.Unchanged, register.Run(put, caller, null, Now).Answer!.Outcome);
        else
        {
            Assert.Throws<ForbiddenException>(() => register.Run(put, caller, null, Now));
            Assert.Equal(commits, register.Commits.Count);
        }
    }

    // ---- products

    private static LoanProduct Product(string name = "排污权质押贷", DateTimeOffset? at = null) => new LoanProductInput
    {
        Name = name, MinGrade = "B", MinCreditRating = "Blue", Industries = ["Cement"], Regions = ["1310"], MinAmount = 1000m, MaxAmount = 2000000m,
        AnnualRatePct = 3.45m, TermMonths = 36, Pledge = new LoanProductInput.PledgeInput { Pollutants = ["SO2", "NOx"], LoanToValue = 0.7m },
    }.Validate(Icbc, "p1", at ?? Now);

    [Fact]
    public void An_identical_product_put_writes_nothing_and_a_changed_one_one_audit_record()
    {
        var register = Products();
        Assert.True(register.Run(new PutProduct(Product()), Bank, null, Now).Answer!.Created);
        Assert.Equal(PutOutcome.Unchanged, register.Run(new PutProduct(Product(at: Now.AddHours(1))), Bank, null, Now.AddHours(1)).Answer!.Outcome);
        register.LoseNextAnswers = 1;
        register.Run(new PutProduct(Product("新名", Now.AddHours(2))), Bank, null, Now.AddHours(2));
        Assert.Equal(["product.created", "product.replaced"], register.Audit(Icbc.Value).Select(a => a.Action));
        Assert.Equal("新名", register.Items(Icbc.Value).Single().Name);
    }

    [Theory]
    [InlineData("admin", "", true)]
    [InlineData("bank", "ICBC-LF", true)]
    [InlineData("bank", "CCB-LF", false)]
    [InlineData("official", "13", false)]
    [InlineData("enterprise", "self", false)]
    public void Only_the_bank_itself_and_admin_put_its_products(string role, string subject, bool allowed)
    {
        var register = Products();
        var caller = Caller(role, subject == "self" ? Firm.Value : subject);
        if (allowed) Assert.True(register.Run(new PutProduct(Product()), caller, null, Now).Answer!.Created);
        else
        {
            Assert.Throws<ForbiddenException>(() => register.Run(new PutProduct(Product()), caller, null, Now));
            Assert.Empty(register.Commits);
        }
    }

    // ---- imports

    [Fact]
    public void An_import_start_replayed_answers_the_same_job_and_another_file_under_the_key_is_refused_writing_nothing()
    {
        var register = Imports();
        var official = Principal.Official(RegionPrefix.Parse("1310"));
        var first = register.Run(new StartImport("imp-1", "file-a", 10), official, "import-1", Now);
        var again = register.Run(new StartImport("imp-1", "file-a", 10), official, "import-1", Now.AddMinutes(1));
        Assert.True(again.Replayed);
        Assert.Equal(first.Body, again.Body);
        Assert.Throws<RuleViolationException>(() => register.Run(new StartImport("imp-1", "file-b", 11), official, "import-1", Now));
        Assert.Single(register.Commits);
        Assert.Single(register.Audit("imp-1"));
        Assert.Equal("file-a", register.Items("imp-1").Single().Fingerprint);
    }

    [Theory]
    [InlineData("enterprise")]
    [InlineData("bank")]
    public void Only_officials_and_admin_start_imports_and_a_refused_start_leaves_its_key_unbound(string role)
    {
        var register = Imports();
        Assert.Throws<ForbiddenException>(() => register.Run(new StartImport("imp-2", "file-a", 1), Caller(role, role == "bank" ? "ICBC-LF" : Firm.Value), "k", Now));
        Assert.Empty(register.Commits);
        Assert.Empty(register.Bindings.Bound);
        Assert.False(register.Run(new StartImport("imp-2", "file-a", 1), Admin, "k", Now).Replayed);
    }
}
