using System.Collections.Concurrent;

namespace Inexopay.Server.Providers;

/// <summary>
/// What this node last saw of each live upstream provider: configured or not, circuit state, last outcome.
/// Connectors report into it; server-status and the admin panel read it.
/// </summary>
public sealed class ProviderHealth(TimeProvider clock)
{
    public sealed record Reading(string Name, bool Configured, string State, DateTime? LastSuccessAt, DateTime? LastFailureAt, string? LastError);

    private readonly ConcurrentDictionary<string, Reading> _readings = new();

    public void Configured(string name, bool configured) =>
        _readings.AddOrUpdate(name, _ => new Reading(name, configured, configured ? "unknown" : "not_configured", null, null, null),
            (_, r) => r with { Configured = configured });

    public void Succeeded(string name) =>
        _readings.AddOrUpdate(name, _ => new Reading(name, true, "up", clock.GetUtcNow().UtcDateTime, null, null),
            (_, r) => r with { State = "up", LastSuccessAt = clock.GetUtcNow().UtcDateTime });

    public void Failed(string name, string error, bool circuitOpen) =>
        _readings.AddOrUpdate(name, _ => new Reading(name, true, circuitOpen ? "circuit_open" : "degraded", null, clock.GetUtcNow().UtcDateTime, error),
            (_, r) => r with { State = circuitOpen ? "circuit_open" : "degraded", LastFailureAt = clock.GetUtcNow().UtcDateTime, LastError = error });

    public Dictionary<string, object?> Snapshot() => _readings.Values.OrderBy(r => r.Name).ToDictionary(r => r.Name, r => (object?)new
    {
        configured = r.Configured,
        state = r.State,
        last_success_at = Api.WireTime.Format(r.LastSuccessAt),
        last_failure_at = Api.WireTime.Format(r.LastFailureAt),
        last_error = r.LastError,
    });
}
