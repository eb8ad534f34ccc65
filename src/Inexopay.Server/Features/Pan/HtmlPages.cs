using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace Inexopay.Server.Features.Pan;

/// <summary>
/// The HTML this slice produces. Every value written into a page goes through <see cref="E"/> (HTML-encoded for
/// text and attribute context alike), so no parameter (order id, return URL, messages) can add markup or script.
/// </summary>
public static class HtmlPages
{
    private const string SubmitHandler = "document.forms[0].submit()";

    /// <summary>
    /// For pages we serve ourselves: nothing may load, the only script is the auto-submit handler (allowed by its
    /// hash), forms may go to any http(s) target (the reseller's return URL).
    /// </summary>
    public static readonly string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'; form-action http: https:; " +
        $"script-src 'unsafe-hashes' 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(SubmitHandler)))}'";

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>
    /// The contract's auto-submitting form: the browser posts the fields to <paramref name="action"/> at once; a
    /// button does it when scripts are off.
    /// </summary>
    public static string AutoSubmit(string action, IEnumerable<(string Name, string? Value)> fields, string title = "Redirecting…")
    {
        var html = new StringBuilder(1024);
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>")
            .Append(E(title)).Append("</title>\n</head>\n<body onload=\"").Append(SubmitHandler).Append("\">\n<form action=\"")
            .Append(E(action)).Append("\" method=\"post\">\n");
        foreach (var (name, value) in fields)
            html.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">\n");
        html.Append("<noscript><p>").Append(E(title)).Append("</p><button type=\"submit\">Continue</button></noscript>\n</form>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>A page of the sandbox portal: <paramref name="bodyHtml"/> must already be encoded.</summary>
    public static string Page(string title, string bodyHtml) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{E(title)}}</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:0;background:#f3f5f9;color:#1d2433}
        header{background:#1b3d6d;color:#fff;padding:14px 24px}header small{opacity:.8;display:block}
        main{max-width:720px;margin:24px auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 3px #0002}
        .banner{background:#fff4d6;border:1px solid #e8c65a;border-radius:6px;padding:10px 14px;margin-bottom:18px}
        .error{background:#fde8e8;border-color:#e39a9a}
        dl{display:grid;grid-template-columns:200px 1fr;gap:8px 16px}dt{color:#5b6475}dd{margin:0;font-weight:600}
        .actions{display:flex;gap:12px;flex-wrap:wrap;margin-top:24px}
        button{font-size:15px;padding:10px 18px;border-radius:6px;border:1px solid #1b3d6d;background:#fff;color:#1b3d6d;cursor:pointer}
        button.primary{background:#1b3d6d;color:#fff}button.danger{border-color:#b42318;color:#b42318}
        button:disabled{opacity:.45;cursor:not-allowed}
        </style>
        </head>
        <body>
        <header><strong>Protean eGov Technologies — Assisted Service</strong><small>Inexopay sandbox simulator: no real application is filed</small></header>
        <main>
        {{bodyHtml}}
        </main>
        </body>
        </html>
        """;

    public static IResult Html(string html, int statusCode = 200, bool ownPage = false) => new HtmlResult(html, statusCode, ownPage);

    private sealed class HtmlResult(string html, int statusCode, bool ownPage) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = statusCode;
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            if (ownPage)
            {
                http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                http.Response.Headers["X-Frame-Options"] = "DENY";
            }
            return http.Response.WriteAsync(html);
        }
    }
}
