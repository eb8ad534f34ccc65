using Inexopay.Server.Api;
using Inexopay.Server.Auth;
using Inexopay.Server.Storage;
using Microsoft.EntityFrameworkCore;
using static Inexopay.Server.Features.Pan.HtmlPages;

namespace Inexopay.Server.Features.Pan.Sandbox;

/// <summary>The sandbox's magic mobile numbers.</summary>
public static class SandboxMobiles
{
    public const string CompletesAtOnce = "9000000001";
    public const string FailsAtOnce = "9000000002";
    public const string StaysIncomplete = "9000000003";

    public const string FailsAtOnceReason = "Sandbox: application rejected by NSDL (test mobile 9000000002)";
    public const string RejectedOnPortalReason = "Application rejected on the NSDL portal (sandbox)";
}

/// <summary>
/// A simulator of Protean's assisted-service portal, served by Inexopay for test keys under
/// <c>/sandbox/protean/SpringBootFormHandling/</c>. It accepts only envelopes signed with the reseller's sandbox key
/// for one of that reseller's test applications, shows the application, and lets the applicant submit it (an
/// acknowledgement number is issued), have it rejected, or leave it incomplete; then it sends the browser back to
/// the reseller's return_url. State changes go through <see cref="PanLifecycle"/> like any provider answer.
/// </summary>
public static class SandboxPortal
{
    public const string BasePath = "/sandbox/protean/SpringBootFormHandling";
    public const string NewPanPath = BasePath + "/newPanReq";
    public const string CorrectionPath = BasePath + "/crPanReq";
    public const string ResumePath = BasePath + "/incompleteApplication";
    public const string SubmitPath = BasePath + "/submitApplication";

    private const string OpenedByForm = "This page is opened by the form your PAN service provider sends; it cannot be visited directly.";

    /// <summary>
    /// The portal is visited by a browser: its errors are HTML pages, like Protean's own — also the 405 (a GET of a
    /// portal address) and 404 (an unknown page under <see cref="BasePath"/>) that <see cref="ApiErrorHandling"/> writes.
    /// </summary>
    public static readonly ApiErrorShape Errors = new("protean-sandbox-html",
        new ApiErrorMessages("Invalid request") { NotFound = "Page not found", InternalError = "Something went wrong" },
        (_, e) => ErrorPage(e.Status, e.Message, e.Detail ?? (e.Status is 404 or 405 ? OpenedByForm : "")));

    public static void MapSandboxPortal(this IEndpointRouteBuilder app)
    {
        app.MapPost(NewPanPath, (HttpContext http, PanLifecycle lifecycle, InexopayDb db, PanSettings settings, TimeProvider clock, CancellationToken ct) =>
            EnterAsync(http, Entry.NewPan, lifecycle, db, settings, clock, ct)).WithApiErrorShape(Errors);
        app.MapPost(CorrectionPath, (HttpContext http, PanLifecycle lifecycle, InexopayDb db, PanSettings settings, TimeProvider clock, CancellationToken ct) =>
            EnterAsync(http, Entry.Correction, lifecycle, db, settings, clock, ct)).WithApiErrorShape(Errors);
        app.MapPost(ResumePath, (HttpContext http, PanLifecycle lifecycle, InexopayDb db, PanSettings settings, TimeProvider clock, CancellationToken ct) =>
            EnterAsync(http, Entry.Resume, lifecycle, db, settings, clock, ct)).WithApiErrorShape(Errors);
        app.MapPost(SubmitPath, SubmitAsync).WithApiErrorShape(Errors);
    }

    private enum Entry { NewPan, Correction, Resume }

    /// <summary>request_pan.php in test mode: the magic numbers, or the form that takes the applicant to the portal.</summary>
    public static async Task<IResult> StartAsync(HttpContext http, ResellerContext reseller, PanRecord record, PanLifecycle lifecycle,
        PanSettings settings, TimeProvider clock)
    {
        // The fee is taken: finish even if the caller hangs up.
        var ct = CancellationToken.None;
        var app = record.Application;
        if (app.Mobile == SandboxMobiles.CompletesAtOnce)
            return Html(ReturnToReseller.Form((await lifecycle.SucceedAsync(app.OrderId, PanLifecycle.NewAcknowledgementNumber(), ct))!.Record));
        if (app.Mobile == SandboxMobiles.FailsAtOnce)
            return Html(ReturnToReseller.Form((await lifecycle.FailAsync(app.OrderId, SandboxMobiles.FailsAtOnceReason, ct))!.Record));

        var correction = app.PanType == PanTypes.Correction;
        var req = ProteanEnvelope.Build(ProteanEnvelope.NewKind, ProteanEnvelope.EntityKey(reseller.WebhookSecret), reseller.ResellerId,
            reseller.Username, app.PortalTxnId, clock.GetUtcNow().UtcDateTime, app.ReturnUrl,
            category: correction ? "CR" : "A", applicationMode: app.PanMode == PanModes.Esign ? "E" : "K", mobile: app.Mobile);
        return Html(AutoSubmit(settings.BaseUrl(http.Request) + (correction ? CorrectionPath : NewPanPath), [("req", req)],
            "Redirecting to NSDL (Protean) PAN portal…"));
    }

    /// <summary>incomplete.php in test mode: the form that reopens a pending application on the portal.</summary>
    public static IResult Resume(HttpContext http, ResellerContext reseller, PanRecord record, PanSettings settings, TimeProvider clock)
    {
        var app = record.Application;
        var req = ProteanEnvelope.Build(ProteanEnvelope.ResumeKind, ProteanEnvelope.EntityKey(reseller.WebhookSecret), reseller.ResellerId,
            reseller.Username, app.PortalTxnId, clock.GetUtcNow().UtcDateTime, app.ReturnUrl);
        return Html(AutoSubmit(settings.BaseUrl(http.Request) + ResumePath, [("req", req)], "Redirecting to NSDL (Protean) PAN portal…"));
    }

    private static async Task<IResult> EnterAsync(HttpContext http, Entry entry, PanLifecycle lifecycle, InexopayDb db, PanSettings settings,
        TimeProvider clock, CancellationToken ct)
    {
        var (form, record, verified, error) = await VerifyAsync(http, lifecycle, db, ct);
        if (error is not null) return error;
        var wrongEntry = entry switch
        {
            Entry.Resume => verified!.Kind != ProteanEnvelope.ResumeKind,
            Entry.NewPan => verified!.Kind != ProteanEnvelope.NewKind || verified.Category != "A",
            _ => verified!.Kind != ProteanEnvelope.NewKind || verified.Category != "CR",
        };
        if (wrongEntry) return ErrorPage(400, "Invalid request", "The request does not belong to this service (new PAN, correction or resume).");
        var age = clock.GetUtcNow().UtcDateTime - verified.RequestedAt;
        if (age > settings.SandboxRequestTtl || age < -TimeSpan.FromMinutes(5))
            return ErrorPage(400, "Request expired",
                $"reqTs must be within the last {settings.SandboxRequestTtl.TotalMinutes:0} minutes. Start again from your service provider.");
        return ApplicationPage(record!, form!["req"]!, resumed: entry == Entry.Resume);
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, PanLifecycle lifecycle, InexopayDb db, CancellationToken ct)
    {
        var (form, record, _, error) = await VerifyAsync(http, lifecycle, db, ct);
        if (error is not null) return error;
        var app = record!.Application;
        var action = form!["action"];
        if (action is not ("complete" or "fail" or "later")) return ErrorPage(400, "Invalid request", "Unknown action.");

        // Past this point money may move: do not let a closed browser tab cut the transition short.
        var done = CancellationToken.None;
        if (app.Status == PanApplicationStatus.Pending && app.Mobile != SandboxMobiles.StaysIncomplete)
        {
            var transition = action switch
            {
                "complete" => await lifecycle.SucceedAsync(app.OrderId, PanLifecycle.NewAcknowledgementNumber(), done),
                "fail" => await lifecycle.FailAsync(app.OrderId, SandboxMobiles.RejectedOnPortalReason, done),
                _ => null,
            };
            if (transition is not null) record = transition.Record;
        }
        return Html(ReturnToReseller.Form(record), ownPage: true);
    }

    /// <summary>
    /// Finds the application the envelope names, then checks the envelope against that reseller's key. Only test
    /// applications are served here; the errors mimic Protean's (ER066 for an unknown transaction).
    /// </summary>
    private static async Task<(ApiParams?, PanRecord?, ProteanRequest?, IResult?)> VerifyAsync(HttpContext http, PanLifecycle lifecycle,
        InexopayDb db, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            return (null, null, null, ErrorPage(400, "Invalid request", "The request must be a form post with a req field."));
        // Read like the API's parameters: a body that cannot be read is the portal's HTML 400, logged once.
        var form = await ApiParams.ReadAsync(http.Request, ct);
        if (form.Problem is { } problem) return (null, null, null, ApiErrorHandling.UnreadableBody(http, problem));
        var req = form["req"];
        if (!ProteanEnvelope.TryPeek(req, out _, out var txnId, out var entityId))
            return (null, null, null, ErrorPage(400, "Invalid request", "The req field is missing or is not a request envelope."));
        var record = await lifecycle.FindByTxnIdAsync(txnId, ct);
        if (record is null || record.Application.Mode != ApiMode.Test || ProteanEnvelope.EntityId(record.Order.ResellerId) != entityId)
            return (null, null, null, ErrorPage(404, "ER066", "Transaction ID not present in database."));
        var secret = await db.Resellers.Where(r => r.Id == record.Order.ResellerId).Select(r => r.WebhookSecret).FirstAsync(ct);
        var verified = ProteanEnvelope.Verify(req!, ProteanEnvelope.EntityKey(secret));
        if (verified is null || verified.TxnId != txnId)
            return (null, null, null, ErrorPage(400, "Signature verification failed",
                "The request was altered or was not signed with the registered entity's key."));
        return (form, record, verified, null);
    }

    private static IResult ApplicationPage(PanRecord record, string req, bool resumed)
    {
        var app = record.Application;
        var stuck = app.Mobile == SandboxMobiles.StaysIncomplete;
        var body = new System.Text.StringBuilder();
        body.Append("<h1>").Append(app.PanType == PanTypes.Correction ? "Request for changes or correction in PAN data" : "New PAN — Form 49A")
            .Append("</h1>\n");
        if (resumed) body.Append("<div class=\"banner\">Incomplete application resumed.</div>\n");
        if (stuck)
            body.Append("<div class=\"banner\">Test mobile ").Append(E(SandboxMobiles.StaysIncomplete))
                .Append(" always stays incomplete: only “Save and exit” is possible.</div>\n");
        body.Append("<dl>\n")
            .Append("<dt>Transaction ID</dt><dd id=\"txnid\">").Append(E(app.PortalTxnId)).Append("</dd>\n")
            .Append("<dt>Application</dt><dd>").Append(app.PanType == PanTypes.Correction ? "Correction (CR)" : "New PAN (A)").Append("</dd>\n")
            .Append("<dt>Mode</dt><dd>").Append(app.PanMode == PanModes.Esign ? "eSign (E)" : "Aadhaar eKYC (K)").Append("</dd>\n")
            .Append("<dt>Mobile</dt><dd>").Append(E(PanRequestValidation.MaskMobile(app.Mobile))).Append("</dd>\n")
            .Append("<dt>Entity</dt><dd>").Append(E(ProteanEnvelope.EntityId(record.Order.ResellerId))).Append("</dd>\n")
            .Append("<dt>Status</dt><dd id=\"status\">").Append(E(PanStatusNames.Of(app.Status))).Append("</dd>\n");
        if (app.AcknowledgementNumber is { } ack) body.Append("<dt>Acknowledgement No.</dt><dd id=\"ackNo\">").Append(E(ack)).Append("</dd>\n");
        body.Append("</dl>\n<form method=\"post\" action=\"").Append(E(SubmitPath)).Append("\">\n<input type=\"hidden\" name=\"req\" value=\"")
            .Append(E(req)).Append("\">\n<div class=\"actions\">\n");
        if (app.Status == PanApplicationStatus.Pending)
        {
            var disabled = stuck ? " disabled" : "";
            body.Append("<button class=\"primary\" id=\"complete\" name=\"action\" value=\"complete\"").Append(disabled).Append(">Submit application</button>\n")
                .Append("<button class=\"danger\" id=\"fail\" name=\"action\" value=\"fail\"").Append(disabled).Append(">Reject application</button>\n")
                .Append("<button id=\"later\" name=\"action\" value=\"later\">Save and exit</button>\n");
        }
        else
        {
            body.Append("<button class=\"primary\" id=\"return\" name=\"action\" value=\"later\">Return to service provider</button>\n");
        }
        body.Append("</div>\n</form>\n");
        return Html(Page("NSDL PAN application (sandbox)", body.ToString()), ownPage: true);
    }

    private static IResult ErrorPage(int status, string title, string detail) =>
        Html(Page(title, $"<div class=\"banner error\"><strong id=\"error\">{E(title)}</strong><p>{E(detail)}</p></div>"), status, ownPage: true);
}
