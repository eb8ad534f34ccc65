using Inexopay.Server.Features.Sandbox;

namespace Inexopay.Server.Features.Pan.Sandbox;

/// <summary>The "pan_application" section of /api/sandbox/test-data.json.</summary>
public sealed class SandboxPanTestData(PanSettings settings) : ISandboxTestData
{
    public string Section => "pan_application";

    public object Describe() => new Dictionary<string, object?>
    {
        ["endpoints"] = new[] { PanEndpoints.RequestPath, PanEndpoints.StatusPath, PanEndpoints.IncompletePath },
        ["mobile_numbers"] = new[]
        {
            new Dictionary<string, string>
            {
                ["number"] = SandboxMobiles.CompletesAtOnce, ["status"] = "SUCCESS",
                ["behaviour"] = "Completes at once without a browser: a 15-digit acknowledgement number is issued and request_pan.php " +
                                "answers with the form that returns the applicant to return_url.",
            },
            new Dictionary<string, string>
            {
                ["number"] = SandboxMobiles.FailsAtOnce, ["status"] = "FAILED",
                ["behaviour"] = "Fails at once; the fee is refunded.",
            },
            new Dictionary<string, string>
            {
                ["number"] = SandboxMobiles.StaysIncomplete, ["status"] = "PENDING",
                ["behaviour"] = "Stays incomplete: the portal only offers \"Save and exit\"; incomplete.php resumes it; after " +
                                $"{settings.AbandonAfter.TotalHours:0.##} hours it is failed and refunded as abandoned.",
            },
        },
        ["other_numbers"] = "Any other valid mobile (10 digits, starting 6-9) opens the sandbox Protean portal, where the applicant " +
                            "submits the application (SUCCESS), has it rejected (FAILED, refunded) or saves and exits (PENDING).",
        ["portal"] = new[] { SandboxPortal.NewPanPath, SandboxPortal.CorrectionPath, SandboxPortal.ResumePath },
        ["return_url_fields"] = new Dictionary<string, string>
        {
            ["txnid"] = "the portal transaction id",
            ["txnStatus"] = "1 = success; 0 = failed or incomplete (see status)",
            ["ackNo"] = "15-digit acknowledgement number on success",
            ["errorMsg"] = "why it failed or that it is incomplete",
            ["orderid"] = "your order id",
            ["status"] = "PENDING, SUCCESS or FAILED",
        },
        ["notifications"] = new Dictionary<string, object>
        {
            ["events"] = new[] { PanLifecycle.CreatedEvent, PanLifecycle.SucceededEvent, PanLifecycle.FailedEvent },
            ["delivery"] = "JSON POST to return_url, signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature " +
                           "v1,<base64 HMAC-SHA256 of id.timestamp.body> keyed with your whsec_ secret); retried for more than 24 hours " +
                           "until a 2xx answer. The applicant's browser arrives at the same return_url as a form POST.",
            ["fields"] = new[] { "type", "timestamp", "order_id", "status", "reference", "txnid", "pan_mode", "pan_type", "amount", "refunded", "refund_amount", "message", "mode" },
        },
        ["abandon_after_hours"] = settings.AbandonAfter.TotalHours,
    };
}
