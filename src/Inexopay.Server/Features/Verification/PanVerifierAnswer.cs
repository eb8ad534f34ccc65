namespace Inexopay.Server.Features.Verification;

/// <summary>
/// The verification result in the contract's terms: <c>name</c>, <c>fathername</c>, <c>dob</c> are Y/N (fathername
/// "" when no father's name was sent). The scores are extras, known when the name on record was compared here
/// (the sandbox) or when the provider sent them.
/// </summary>
public sealed record PanResult(string Pan, string PanStatus, string Name, string FatherName, string Dob, string SeedingStatus,
    int? NameMatchScore = null, int? FatherNameMatchScore = null);

/// <summary>What the provider (sandbox or HyperVerge) answered: a result, or one of the catalogue's errors.</summary>
public sealed record PanVerifierAnswer(PanResult? Result, CatalogueError? Error, string? ProviderRequestId, string? Detail = null)
{
    public static PanVerifierAnswer Success(PanResult result, string? providerRequestId) => new(result, null, providerRequestId);

    /// <param name="detail">Why, for the order record and logs (never shown to the reseller, never personal data).</param>
    public static PanVerifierAnswer Failure(CatalogueError error, string? providerRequestId, string? detail = null) =>
        new(null, error, providerRequestId, detail);
}
