using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Tests.Features.Bank;

/// <summary>Every parameter is checked, the message names the field, and a 400 changes nothing.</summary>
public sealed class BankValidationSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private static readonly string Adult = DateTime.UtcNow.AddYears(-30).ToString("yyyy-MM-dd");
    private static readonly string Minor = DateTime.UtcNow.AddYears(-17).ToString("yyyy-MM-dd");
    private static readonly string Future = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd");

    /// <summary>field, bad value, a fragment the message must contain.</summary>
    public static readonly (string Field, string Value, string Message)[] BadAgentFields =
    [
        ("order_id", "has space", "order_id must be 1-64 printable characters"),
        ("order_id", new string('x', 65), "order_id must be 1-64"),
        ("shop_name", new string('S', 129), "shop_name must be at most 128 characters"),
        ("shop_name", "<script>", "shop_name may contain only"),
        ("name", "Rahul123", "name may contain only letters"),
        ("name", new string('a', 129), "name must be at most 128 characters"),
        ("email", "rahul@", "email must be a valid email address"),
        ("email", "rahul gmail.com", "email must be a valid email address"),
        ("mobile", "98765", "mobile must be a 10-digit Indian mobile number"),
        ("mobile", "5876543210", "mobile must be a 10-digit Indian mobile number"),
        ("mobile", "+919876543210", "mobile must be a 10-digit"),
        ("date_of_birth", "15-05-2000", "date_of_birth must be a real date in YYYY-MM-DD format"),
        ("date_of_birth", "2001-02-29", "date_of_birth must be a real date"),
        ("date_of_birth", Future, "date_of_birth must be a date in the past"),
        ("date_of_birth", Minor, "at least 18 years old"),
        ("date_of_birth", "1850-01-01", "date_of_birth must be after 1900-01-01"),
        ("address", new string('a', 513), "address must be at most 512 characters"),
        ("state_name", new string('U', 65), "state_name must be at most 64 characters"),
        ("city_name", "Mathura!", "city_name may contain only"),
        ("pincode", "28100", "pincode must be a 6-digit Indian pincode"),
        ("pincode", "081001", "pincode must be a 6-digit Indian pincode"),
        ("pancard", "AWTPL9909", "pancard must be a valid PAN"),
        ("pancard", "AWT1L9909L", "pancard must be a valid PAN"),
        ("pancard", "AWTXL9909L", "pancard must be a valid PAN"),
    ];

    public static IEnumerable<object[]> AgentCases =>
        from p in TestDatabases.Providers
        from i in Enumerable.Range(0, BadAgentFields.Length)
        select new object[] { p[0], i };

    [Theory, MemberData(nameof(AgentCases))]
    public async Task Bad_onboarding_parameter_is_400_naming_the_field_and_changes_nothing(string provider, int index)
    {
        var (field, value, message) = BadAgentFields[index];
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var fields = BankKit.AgentFields();
        fields[field] = value;

        var (status, body) = await kit.OnboardAsync(fields);

        Assert.Equal(400, status);
        Assert.Equal(400, body.GetProperty("error_code").GetInt32());
        Assert.False(body.GetProperty("status").GetBoolean());
        Assert.Contains(message, body.Str("message"));
        Assert.StartsWith(field, body.Str("message"));
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(10_000_00, await kit.BalancePaiseAsync());
        Assert.Null(await kit.OrderAsync(fields["order_id"]));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Valid_edge_values_are_accepted(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));

        var (status, body) = await kit.OnboardAsync(f =>
        {
            f["name"] = "  D'Souza   Anne-Marie Jr. ";
            f["date_of_birth"] = Adult;
            f["pancard"] = f["pancard"].ToLowerInvariant();
            f["shop_name"] = "A & B Traders (No. 2)";
        });

        Assert.True(status == 200, body.ToString());
        Assert.Equal("D'Souza Anne-Marie Jr.", body.GetProperty("data").Str("agent_name"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Missing_parameters_are_listed_in_the_400(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));

        var (status, body) = await kit.PostAsync(BankKit.Onboarding, new Dictionary<string, string> { ["order_id"] = "ORD1", ["email"] = "bad" });

        Assert.Equal(400, status);
        Assert.Equal("Missing required parameters: shop_name, name, mobile, date_of_birth, address, state_name, city_name, pincode, pancard",
            body.Str("message"));
        var errors = body.GetProperty("errors");
        Assert.Equal("shop_name is required", errors.Str("shop_name"));
        Assert.Equal("email must be a valid email address", errors.Str("email"));
    }

    public static readonly (string Field, string Value, string Message)[] BadAccountFields =
    [
        ("account_type", "savings", "account_type must be saving or current"),
        ("account_type", "fixed", "account_type must be saving or current"),
        ("bcagentid", "INEXO-1", "bcagentid must be a BC agent id"),
        ("agent_pancard", "ABCDE12345", "agent_pancard must be a valid PAN"),
        ("first_name", new string('a', 65), "first_name must be at most 64 characters"),
        ("middle_name", "K2", "middle_name may contain only letters"),
        ("last_name", "Sh@rma", "last_name may contain only letters"),
        ("email", "a@b", "email must be a valid email address"),
        ("phone", "1234567890", "phone must be a 10-digit Indian mobile number"),
        ("pancard", "AWTPL99O9L", "pancard must be a valid PAN"),
        ("pincode", "2810011", "pincode must be a 6-digit Indian pincode"),
    ];

    public static IEnumerable<object[]> AccountCases =>
        from p in TestDatabases.Providers
        from i in Enumerable.Range(0, BadAccountFields.Length)
        select new object[] { p[0], i };

    [Theory, MemberData(nameof(AccountCases))]
    public async Task Bad_account_parameter_is_400_naming_the_field_and_changes_nothing(string provider, int index)
    {
        var (field, value, message) = BadAccountFields[index];
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));
        var (agentId, agentPan) = await kit.ActiveAgentAsync();
        var balance = await kit.BalancePaiseAsync();

        var (status, body) = await kit.OpenAccountAsync(agentId, agentPan, f => f[field] = value);

        Assert.Equal(400, status);
        Assert.Contains(message, body.Str("message"));
        Assert.Equal(balance, await kit.BalancePaiseAsync());
        await using var db = await kit.Server.DbAsync();
        var agent = await db.BankAgents.FirstAsync(g => g.AgentCode == agentId && g.Pan == agentPan);
        Assert.False(await db.BankAccounts.AnyAsync(a => a.AgentId == agent.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Status_and_details_validate_their_parameter(string provider)
    {
        var kit = await BankKit.NewShopAsync(SharedServers.For(provider));

        var (s1, b1) = await kit.PostAsync(BankKit.Status, new Dictionary<string, string>());
        var (s2, b2) = await kit.PostAsync(BankKit.Details, new Dictionary<string, string> { ["pancard"] = "NOTAPAN" });

        Assert.Equal((400, "Missing required parameter: order_id"), (s1, b1.Str("message")));
        Assert.Equal(400, s2);
        Assert.StartsWith("pancard must be a valid PAN", b2.Str("message"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_body_that_cannot_be_read_is_400(string provider)
    {
        var http = SharedServers.For(provider).Http();

        using var response = await http.PostAsync(BankKit.Onboarding, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Malformed request body", await response.Content.ReadAsStringAsync());
    }
}
