using System.Text.Json;
using Inexopay.Server.Features.Verification;

namespace Inexopay.Tests.Features.Verification;

/// <summary>Field rules of the verification request, each with the catalogue error it answers.</summary>
public sealed class PanQueryValidatorSpec
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 20, 0, 0, TimeSpan.Zero); // 23 Nov 01:30 in India

    private static CatalogueError? Validate(string json, out PanQuery? query)
    {
        using var doc = JsonDocument.Parse(json);
        return PanQueryValidator.Validate(doc.RootElement, Now, out query);
    }

    [Theory]
    [InlineData("ABCPV1234D")]
    [InlineData(" abcpv1234d ")]
    [InlineData("AAACI1234G")]
    [InlineData("AAAHR1007G")]
    [InlineData("AAAFD1004D")]
    [InlineData("AAKEL1234Q")]
    public void Well_formed_pans_are_accepted_and_upper_cased(string pan)
    {
        Assert.Null(Validate($$"""{"pan":"{{pan}}","name":"A B","dob":"01/01/1990"}""", out var query));
        Assert.Equal(pan.Trim().ToUpperInvariant(), query!.Pan);
    }

    [Theory]
    [InlineData("\"ABCPV1234\"")]
    [InlineData("\"ABCPV1234DD\"")]
    [InlineData("\"ABCXV1234D\"")]
    [InlineData("\"ABCPV12#4D\"")]
    [InlineData("\"1BCPV1234D\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("1234567890")]
    public void Malformed_pans_are_the_pan_error(string pan) =>
        Assert.Same(Catalogue.PanInvalid, Validate($$"""{"pan":{{pan}},"name":"A B","dob":"01/01/1990"}""", out _));

    [Fact]
    public void A_missing_pan_is_the_pan_error() =>
        Assert.Same(Catalogue.PanInvalid, Validate("""{"name":"A B","dob":"01/01/1990"}""", out _));

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"RAHUL 2 SHARMA\"")]
    [InlineData("\"RAHUL@SHARMA\"")]
    [InlineData("\"...\"")]
    [InlineData("\"राहुल\"")]
    [InlineData("42")]
    public void Bad_names_are_the_name_error(string name) =>
        Assert.Same(Catalogue.NameInvalid, Validate($$"""{"pan":"ABCPV1234D","name":{{name}},"dob":"01/01/1990"}""", out _));

    [Fact]
    public void Names_may_have_dots_apostrophes_and_hyphens_up_to_85_characters()
    {
        Assert.Null(Validate("""{"pan":"ABCPV1234D","name":"Dr. J. D'Souza-Pereira","dob":"01/01/1990"}""", out _));
        Assert.Null(Validate($$"""{"pan":"ABCPV1234D","name":"{{new string('A', 85)}}","dob":"01/01/1990"}""", out _));
        Assert.Same(Catalogue.NameInvalid, Validate($$"""{"pan":"ABCPV1234D","name":"{{new string('A', 86)}}","dob":"01/01/1990"}""", out _));
    }

    [Theory]
    [InlineData("\"SURESH_SHARMA\"")]
    [InlineData("\"SURESH 2\"")]
    [InlineData("7")]
    public void Bad_father_names_are_the_father_name_error(string father) =>
        Assert.Same(Catalogue.FatherNameInvalid,
            Validate($$"""{"pan":"ABCPV1234D","name":"A B","fatherName":{{father}},"dob":"01/01/1990"}""", out _));

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    public void A_blank_father_name_counts_as_not_sent(string father)
    {
        Assert.Null(Validate($$"""{"pan":"ABCPV1234D","name":"A B","fatherName":{{father}},"dob":"01/01/1990"}""", out var query));
        Assert.Null(query!.FatherName);
    }

    [Theory]
    [InlineData("\"1990-05-15\"")]
    [InlineData("\"15-05-1990\"")]
    [InlineData("\"5/5/1990\"")]
    [InlineData("\"15/13/1990\"")]
    [InlineData("\"29/02/2023\"")]
    [InlineData("\"31/12/1899\"")]
    [InlineData("\"24/11/2026\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("19900515")]
    public void Bad_dates_of_birth_are_the_dob_error(string dob) =>
        Assert.Same(Catalogue.DobInvalid, Validate($$"""{"pan":"ABCPV1234D","name":"A B","dob":{{dob}}}""", out _));

    [Theory]
    [InlineData("29/02/2024")]
    [InlineData("01/01/1900")]
    [InlineData("23/11/2026")]
    public void Real_dates_up_to_today_in_india_are_accepted(string dob) =>
        Assert.Null(Validate($$"""{"pan":"ABCPV1234D","name":"A B","dob":"{{dob}}"}""", out _));

    [Theory]
    [InlineData("a", true)]
    [InlineData("ORD-2026/11:22_a.b", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("quote\"", false)]
    [InlineData("é", false)]
    public void Transaction_ids_are_short_and_plain(string id, bool valid)
    {
        Assert.Equal(valid, PanQueryValidator.IsValidTransactionId(id));
        Assert.True(PanQueryValidator.IsValidTransactionId(new string('x', 64)));
        Assert.False(PanQueryValidator.IsValidTransactionId(new string('x', 65)));
    }

    [Fact]
    public void Fields_are_checked_in_order_pan_name_father_dob() =>
        Assert.Same(Catalogue.PanInvalid, Validate("""{"pan":"X","name":"1","fatherName":"2","dob":"x"}""", out _));

    [Fact]
    public void Pans_are_masked_for_logs()
    {
        Assert.Equal("ABCPV****D", PanMask.Mask("ABCPV1234D"));
        Assert.Equal("****", PanMask.Mask("ABCD"));
    }
}
