using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Inexopay.Server.Api;

/// <summary>
/// What Kestrel refuses before the application runs. Those answers Kestrel writes itself, with an empty body, and
/// then closes the connection; no hook lets the application give them a JSON body (README "Errors": the list).
/// The limits are Kestrel's defaults except the body, which no contract endpoint needs above a few KB (the endpoints
/// read with tighter limits still: <see cref="ApiParams.MaxBodyBytes"/>, the verification endpoint 16 KB).
/// </summary>
public static class KestrelLimits
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static void Apply(KestrelServerOptions options)
    {
        options.Limits.MaxRequestBodySize = MaxRequestBodyBytes;   // over it: 413 from the app (read limit) or Kestrel
        options.Limits.MaxRequestLineSize = 8 * 1024;              // over it: 414 URI Too Long
        options.Limits.MaxRequestHeadersTotalSize = 32 * 1024;     // over it: 431
        options.Limits.MaxRequestHeaderCount = 100;                // over it: 431
        options.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30); // slow headers: 408, connection closed
    }
}
