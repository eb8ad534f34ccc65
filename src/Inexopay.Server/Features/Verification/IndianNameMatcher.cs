using System.Text;

namespace Inexopay.Server.Features.Verification;

/// <summary>A name comparison: the score (0–100) and whether it reaches <see cref="IndianNameMatcher.Threshold"/>.</summary>
public readonly record struct NameMatch(bool IsMatch, int Score);

/// <summary>
/// Compares a name as typed by a reseller's customer with the name on record, the way Indian names vary in practice.
/// <para>Normalisation (both sides): upper case; dots, commas, hyphens and other separators become spaces;
/// apostrophes vanish (D'SOUZA = DSOUZA); leading salutations are dropped (SHRI, SRI, SMT, KUMARI, MR, MRS, MS, MISS,
/// DR, LATE, …, repeatedly: "LATE SHRI"); common abbreviations are expanded (MD/MOHD/MOHAMMED → MOHAMMAD, KR → KUMAR,
/// PVT → PRIVATE, LTD → LIMITED, CO → COMPANY, &amp; → AND); a 2–3 letter token without vowels is read as initials
/// (RK = R K); two adjacent tokens are joined when the other side has them as one word (RAHULKUMAR, D SOUZA).</para>
/// <para>Token pairs score: same word 1.0; same word by Indian transliteration (EE/I, OO/U, PH/F, W/V, Y/I, an H after
/// a consonant, doubled letters: DEEPAK = DIPAK, SIDDHARTH = SIDHARTH) 0.95; a one-letter slip in words of 5+
/// letters, similarity ≥ 0.8 (MOHAMMAD/MOHAMAD) that similarity; an initial against a word it starts 0.9; equal
/// initials 1.0. Tokens are paired one-to-one, best pairs first, ignoring order (SHARMA RAHUL = RAHUL SHARMA).</para>
/// <para>Score = 100 × 2 × (sum of pair scores) / (tokens on both sides), a Dice coefficient: every unmatched word on
/// either side costs. When nothing but initials match, the score is capped at 50 (initials alone identify nobody).
/// A match needs a score of at least <see cref="Threshold"/> (85): initials, salutations, spacing, order and
/// spelling variants pass ("R K SHARMA" ~ "RAHUL KUMAR SHARMA" = 93); a whole missing word of a three-word name
/// does not ("RAHUL SHARMA" ~ "RAHUL KUMAR SHARMA" = 80), nor does another first name or surname.</para>
/// </summary>
public static class IndianNameMatcher
{
    public const int Threshold = 85;

    private static readonly HashSet<string> Salutations = new(StringComparer.Ordinal)
    {
        "SHRI", "SHREE", "SRI", "SHRIMATI", "SRIMATI", "SMT", "SUSHRI", "KUMARI", "KUM", "KM", "MR", "MRS", "MS", "MISS",
        "MASTER", "DR", "LATE", "PROF", "THIRU", "THIRUMATHI", "SELVI", "SHRIMAN",
    };

    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["MD"] = "MOHAMMAD", ["MOHD"] = "MOHAMMAD", ["MOHAMMED"] = "MOHAMMAD", ["MUHAMMAD"] = "MOHAMMAD", ["MUHAMMED"] = "MOHAMMAD",
        ["MOHAMED"] = "MOHAMMAD", ["MOHAMAD"] = "MOHAMMAD", ["KR"] = "KUMAR", ["PVT"] = "PRIVATE", ["LTD"] = "LIMITED",
        ["CO"] = "COMPANY", ["CORP"] = "CORPORATION",
    };

    private const double InitialToWord = 0.9;
    private const double Transliteration = 0.95;
    private const double MinSimilarity = 0.8;

    public static NameMatch Compare(string? given, string? registered)
    {
        var a = Tokens(given);
        var b = Tokens(registered);
        if (a.Count == 0 || b.Count == 0) return new NameMatch(false, 0);
        if (string.Concat(a) == string.Concat(b)) return new NameMatch(true, 100);

        JoinSplitWords(a, b);
        JoinSplitWords(b, a);

        var pairs = new List<(int I, int J, double Score, bool Words)>();
        for (var i = 0; i < a.Count; i++)
            for (var j = 0; j < b.Count; j++)
            {
                var s = PairScore(a[i], b[j]);
                if (s > 0) pairs.Add((i, j, s, a[i].Length > 1 && b[j].Length > 1));
            }
        pairs.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : y.Words.CompareTo(x.Words));

        var usedA = new bool[a.Count];
        var usedB = new bool[b.Count];
        double sum = 0;
        var wordMatched = false;
        foreach (var (i, j, s, words) in pairs)
        {
            if (usedA[i] || usedB[j]) continue;
            usedA[i] = usedB[j] = true;
            sum += s;
            wordMatched |= words;
        }

        var score = (int)Math.Round(100 * 2 * sum / (a.Count + b.Count), MidpointRounding.AwayFromZero);
        if (!wordMatched) score = Math.Min(score, 50);
        return new NameMatch(score >= Threshold, score);
    }

    /// <summary>The normalised tokens of a name (see the class summary).</summary>
    public static List<string> Tokens(string? name)
    {
        var tokens = new List<string>();
        if (string.IsNullOrWhiteSpace(name)) return tokens;

        var sb = new StringBuilder(name.Length + 8);
        foreach (var ch in name.ToUpperInvariant())
        {
            if (char.IsAsciiLetterUpper(ch)) sb.Append(ch);
            else if (ch is '\'' or '`' or '’') continue;
            else if (ch == '&') sb.Append(" AND ");
            else sb.Append(' ');
        }
        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Salutations go first, before "MRS" or "SMT" could be read as initials; a name made only of them stays.
        var lead = 0;
        while (lead < words.Length && Salutations.Contains(words[lead])) lead++;
        if (lead == words.Length) lead = 0;
        foreach (var raw in words.AsSpan(lead))
        {
            var word = Abbreviations.GetValueOrDefault(raw, raw);
            if (word.Length is 2 or 3 && !word.Any(IsVowel))
                tokens.AddRange(word.Select(c => c.ToString()));
            else
                tokens.Add(word);
        }
        return tokens;
    }

    /// <summary>Joins adjacent tokens of <paramref name="side"/> that the other side writes as one word.</summary>
    private static void JoinSplitWords(List<string> side, List<string> other)
    {
        for (var i = 0; i + 1 < side.Count; i++)
        {
            var joined = side[i] + side[i + 1];
            if (!other.Contains(joined) || side.Contains(joined)) continue;
            side[i] = joined;
            side.RemoveAt(i + 1);
        }
    }

    private static double PairScore(string x, string y)
    {
        if (x.Length == 1 || y.Length == 1)
        {
            if (x[0] != y[0]) return 0;
            return x.Length == y.Length ? 1.0 : InitialToWord;
        }
        if (x == y) return 1.0;
        if (PhoneticKey(x) == PhoneticKey(y)) return Transliteration;
        if (x.Length < 5 || y.Length < 5) return 0;
        var similarity = 1.0 - (double)Levenshtein(x, y) / Math.Max(x.Length, y.Length);
        return similarity >= MinSimilarity ? Math.Min(similarity, Transliteration) : 0;
    }

    /// <summary>A key under which common transliterations of the same Indian name coincide.</summary>
    public static string PhoneticKey(string word)
    {
        var s = word.Replace("EE", "I").Replace("OO", "U").Replace("PH", "F").Replace('W', 'V').Replace('Y', 'I');
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == 'H' && i > 0 && !IsVowel(s[i - 1])) continue;
            if (sb.Length > 0 && sb[^1] == c) continue;
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsVowel(char c) => c is 'A' or 'E' or 'I' or 'O' or 'U' or 'Y';

    private static int Levenshtein(string x, string y)
    {
        var previous = new int[y.Length + 1];
        var current = new int[y.Length + 1];
        for (var j = 0; j <= y.Length; j++) previous[j] = j;
        for (var i = 1; i <= x.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= y.Length; j++)
            {
                var cost = x[i - 1] == y[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[y.Length];
    }
}
