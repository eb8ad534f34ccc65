using Inexopay.Server.Features.Verification;

namespace Inexopay.Tests.Features.Verification;

/// <summary>The name-matching rule on real-looking pairs: what must match, what must not, and the score it gives.</summary>
public sealed class IndianNameMatcherSpec
{
    public static TheoryData<string, string, int> Matches => new()
    {
        // given, on record, expected score
        { "RAHUL KUMAR SHARMA", "RAHUL KUMAR SHARMA", 100 },
        { "rahul  kumar   sharma ", "RAHUL KUMAR SHARMA", 100 },
        { "Shri Rahul Kumar Sharma", "RAHUL KUMAR SHARMA", 100 },
        { "Mr. Rahul Kumar Sharma", "RAHUL KUMAR SHARMA", 100 },
        { "LATE SHRI SURESH KUMAR SHARMA", "SURESH KUMAR SHARMA", 100 },
        { "Smt. Priya Mehta", "PRIYA MEHTA", 100 },
        { "Kumari Priya Mehta", "PRIYA MEHTA", 100 },
        { "Dr Priya Mehta", "PRIYA MEHTA", 100 },
        { "R K SHARMA", "RAHUL KUMAR SHARMA", 93 },
        { "R.K. Sharma", "RAHUL KUMAR SHARMA", 93 },
        { "RK SHARMA", "RAHUL KUMAR SHARMA", 93 },
        { "Rahul K. Sharma", "RAHUL KUMAR SHARMA", 97 },
        { "SHARMA RAHUL KUMAR", "RAHUL KUMAR SHARMA", 100 },
        { "SHARMA R K", "RAHUL KUMAR SHARMA", 93 },
        { "RAHULKUMAR SHARMA", "RAHUL KUMAR SHARMA", 100 },
        { "RAMA KRISHNA RAO", "RAMAKRISHNA RAO", 100 },
        { "MOHD IRFAN KHAN", "MOHAMMAD IRFAN KHAN", 100 },
        { "MD. IRFAN KHAN", "MOHAMMED IRFAN KHAN", 100 },
        { "DEEPAK PATIL", "DIPAK PATIL", 98 },
        { "POOJA YADAV", "PUJA YADAV", 98 },
        { "SIDDHARTH RAO", "SIDHARTH RAO", 98 },
        { "VIJAY SINGH", "VIJAI SINGH", 98 },
        { "SURESHA GOWDA", "SURESH GOWDA", 93 },
        { "ABDUL-RAHMAN SHAIKH", "ABDUL RAHMAN SHAIKH", 100 },
        { "JOSEPH D'SOUZA", "JOSEPH DSOUZA", 100 },
        { "JOSEPH D SOUZA", "JOSEPH DSOUZA", 100 },
        { "RAM PRASAD SINGH YADAV", "RAM SINGH YADAV", 86 },
        { "Inexo Technologies Pvt. Ltd.", "INEXO TECHNOLOGIES PRIVATE LIMITED", 100 },
        { "DESAI & SONS", "DESAI AND SONS", 100 },
        { "RAVI S", "RAVI SHANKAR", 95 },
    };

    public static TheoryData<string, string, int> NonMatches => new()
    {
        { "RAHUL SHARMA", "RAHUL KUMAR SHARMA", 80 },
        { "ROHIT SHARMA", "RAHUL KUMAR SHARMA", 40 },
        { "PRIYA SHAH", "PRIYA MEHTA", 50 },
        { "PRIYA MEHTA SHAH", "PRIYA MEHTA", 80 },
        { "ANIL MEHTA", "SUNIL MEHTA", 50 },
        { "R SHARMA", "RAHUL KUMAR SHARMA", 76 },
        { "R S", "RAHUL SHARMA", 50 },
        { "SHARMA", "RAHUL KUMAR SHARMA", 50 },
        { "RAVI KUMAR", "KAVITA KUMARI", 42 },
        { "AMIT", "AMITABH", 0 },
        { "SUNITA VERMA", "SUNITA SHARMA", 50 },
        { "INEXO TECH PRIVATE LIMITED", "INEXO TECHNOLOGIES PRIVATE LIMITED", 75 },
        { "...", "RAVI FAKE", 0 },
        { "", "RAVI FAKE", 0 },
    };

    [Theory, MemberData(nameof(Matches))]
    public void Variants_of_the_same_indian_name_match(string given, string registered, int score)
    {
        var match = IndianNameMatcher.Compare(given, registered);

        Assert.Equal(score, match.Score);
        Assert.True(match.IsMatch);
        Assert.Equal(match, IndianNameMatcher.Compare(registered, given));
    }

    [Theory, MemberData(nameof(NonMatches))]
    public void Different_or_incomplete_names_do_not_match(string given, string registered, int score)
    {
        var match = IndianNameMatcher.Compare(given, registered);

        Assert.Equal(score, match.Score);
        Assert.False(match.IsMatch);
    }

    [Fact]
    public void The_threshold_separates_a_missing_word_from_initials()
    {
        Assert.Equal(85, IndianNameMatcher.Threshold);
        Assert.True(IndianNameMatcher.Compare("R K SHARMA", "RAHUL KUMAR SHARMA").Score >= IndianNameMatcher.Threshold);
        Assert.True(IndianNameMatcher.Compare("RAHUL SHARMA", "RAHUL KUMAR SHARMA").Score < IndianNameMatcher.Threshold);
    }

    [Fact]
    public void Salutations_are_dropped_only_in_front_and_never_to_nothing()
    {
        Assert.Equal(["RAHUL", "SHARMA"], IndianNameMatcher.Tokens("Mrs. Dr. Rahul Sharma"));
        Assert.Equal(["MISS"], IndianNameMatcher.Tokens("Miss"));
        Assert.Equal(["RAHUL", "SHRI"], IndianNameMatcher.Tokens("RAHUL SHRI"));
    }
}
