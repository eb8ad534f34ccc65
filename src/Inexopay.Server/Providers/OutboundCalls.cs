using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Inexopay.Server.Providers;

/// <summary>
/// Resilience for calls to live upstream providers: a timeout on every call, a circuit breaker per provider (so a
/// dead upstream fails fast instead of tying up requests), and retries only for calls that are safe to repeat
/// (status look-ups) — never for a call that creates something upstream, where a retry could charge twice.
/// Outcomes are reported to <see cref="ProviderHealth"/>.
/// </summary>
public sealed class OutboundCalls(ProviderHealth health)
{
    private readonly ConcurrentDictionary<(string, bool), ResiliencePipeline> _pipelines = new();

    /// <param name="provider">"upstream" or "hyperverge"; each has its own circuit.</param>
    /// <param name="safeToRetry">True only for idempotent reads.</param>
    public async Task<T> RunAsync<T>(string provider, TimeSpan timeout, bool safeToRetry, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var pipeline = _pipelines.GetOrAdd((provider, safeToRetry), key => Build(key.Item1, key.Item2));
        try
        {
            var result = await pipeline.ExecuteAsync(async (state, token) =>
            {
                using var perCall = CancellationTokenSource.CreateLinkedTokenSource(token);
                perCall.CancelAfter(timeout);
                try
                {
                    return await state(perCall.Token);
                }
                catch (OperationCanceledException) when (perCall.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    throw new TimeoutRejectedException($"{provider} did not answer within {timeout.TotalSeconds:0.#} s");
                }
            }, call, ct);
            health.Succeeded(provider);
            return result;
        }
        catch (BrokenCircuitException e)
        {
            health.Failed(provider, e.Message, circuitOpen: true);
            throw new ProviderUnavailableException(provider, "circuit open after repeated failures", e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            health.Failed(provider, e.Message, circuitOpen: false);
            throw new ProviderUnavailableException(provider, e.Message, e);
        }
    }

    private static ResiliencePipeline Build(string provider, bool safeToRetry)
    {
        var builder = new ResiliencePipelineBuilder();
        if (safeToRetry)
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
            });
        return builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(15),
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
        }).Build();
    }
}

/// <summary>The provider could not be reached or did not answer in time; the outcome of the call is unknown.</summary>
public sealed class ProviderUnavailableException(string provider, string reason, Exception? inner = null)
    : Exception($"{provider} unavailable: {reason}", inner)
{
    public string Provider { get; } = provider;
}
