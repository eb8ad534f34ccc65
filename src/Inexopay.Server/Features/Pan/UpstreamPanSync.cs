using Inexopay.Server.Providers;
using Inexopay.Server.Providers.Upstream;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Inexopay.Server.Features.Pan;

/// <summary>
/// Brings a live application up to date with the parent API, whose pan_status.php is the authority (its webhooks
/// and the applicant's return only prompt a look). A poll is claimed with a conditional UPDATE of LastPolledAt, so
/// nodes sharing the database do not ask about the same application at once.
/// </summary>
public sealed class UpstreamPanSync(InexopayDb db, PanLifecycle lifecycle, UpstreamPanClient upstream, PanSettings settings,
    ILogger<UpstreamPanSync> log)
{
    public const string FailedUpstreamReason = "PAN application failed at the provider";
    public const string NotCreatedUpstreamReason = "The application was not created at the provider";

    /// <param name="minGap">
    /// Ask only if nobody asked within this time (claimed, so one node asks). Zero: ask now regardless, for prompts
    /// that are authenticated (a verified notification from the parent) and must not be lost to a recent poll that
    /// still saw PENDING. Asking twice is harmless: a transition takes effect once.
    /// </param>
    /// <returns>True when the parent was asked (whatever it said).</returns>
    public async Task<bool> SyncAsync(PanApplication application, DateTime now, TimeSpan minGap, CancellationToken ct)
    {
        if (application.Mode != ApiMode.Live || !upstream.Settings.Configured) return false;
        var askedBefore = now - minGap;
        var regardless = minGap <= TimeSpan.Zero;
        var claimed = await db.PanApplications
            .Where(a => a.OrderId == application.OrderId && a.Status == PanApplicationStatus.Pending
                        && (regardless || a.LastPolledAt == null || a.LastPolledAt <= askedBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastPolledAt, now), ct) == 1;
        if (!claimed) return false;

        UpstreamPanStatus answer;
        try
        {
            answer = await upstream.StatusAsync(application.PortalTxnId, ct);
        }
        catch (ProviderUnavailableException e)
        {
            log.LogWarning("PAN application {OrderId}: status at the provider unknown ({Reason}); asking again later", application.OrderId, e.Message);
            return false;
        }

        switch (answer)
        {
            case UpstreamPanStatus.Known { Status: "SUCCESS", Reference: { } reference } when IsAcknowledgement(reference):
                await lifecycle.SucceedAsync(application.OrderId, reference, CancellationToken.None);
                break;
            case UpstreamPanStatus.Known { Status: "SUCCESS" } odd:
                log.LogError("PAN application {OrderId}: the provider reports SUCCESS with reference '{Reference}', not a 15-digit " +
                             "acknowledgement number; left PENDING for an operator", application.OrderId, odd.Reference);
                break;
            case UpstreamPanStatus.Known { Status: "FAILED" }:
                await lifecycle.FailAsync(application.OrderId, FailedUpstreamReason, CancellationToken.None);
                break;
            case UpstreamPanStatus.NotFound when now - application.CreatedAt >= settings.UpstreamNotFoundGrace:
                await lifecycle.FailAsync(application.OrderId, NotCreatedUpstreamReason, CancellationToken.None);
                break;
            case UpstreamPanStatus.Rejected rejected:
                log.LogError("PAN application {OrderId}: the provider refused the status query: HTTP {Status} {Message}",
                    application.OrderId, rejected.StatusCode, rejected.Message);
                break;
        }
        return true;
    }

    public static bool IsAcknowledgement(string reference) => reference.Length == 15 && reference.All(char.IsAsciiDigit);
}
