using Inexopay.Server.Storage;

namespace Inexopay.Server.Features.Pan;

/// <summary>
/// Where the applicant's browser goes when the portal flow ends: a form POST to the reseller's return_url with
/// Protean's fields (<c>txnid</c>, <c>txnStatus</c> "1" = success, <c>ackNo</c>, <c>errorMsg</c>) plus ours
/// (<c>orderid</c>, <c>status</c> PENDING/SUCCESS/FAILED). The browser's post is not authenticated: the reseller
/// must trust only pan_status.php or the signed notification, which the page says nothing against.
/// </summary>
public static class ReturnToReseller
{
    public const string IncompleteMessage = "Application incomplete: resume it with incomplete.php";

    public static IEnumerable<(string, string?)> Fields(PanRecord record)
    {
        var app = record.Application;
        return
        [
            ("txnid", app.PortalTxnId),
            ("txnStatus", app.Status == PanApplicationStatus.Succeeded ? "1" : "0"),
            ("ackNo", app.AcknowledgementNumber ?? ""),
            ("errorMsg", app.Status switch
            {
                PanApplicationStatus.Succeeded => "",
                PanApplicationStatus.Failed => app.FailureReason ?? "Application failed",
                _ => IncompleteMessage,
            }),
            ("orderid", record.Order.OrderRef),
            ("status", PanStatusNames.Of(app.Status)),
        ];
    }

    public static string Form(PanRecord record) =>
        HtmlPages.AutoSubmit(record.Application.ReturnUrl, Fields(record), "Returning to your service provider…");
}
