using Inexopay.Server.Features.Wallet;
using Inexopay.Server.Orders;
using Inexopay.Server.Storage;
using Inexopay.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Inexopay.Tests.Orders.OrderHarness;

namespace Inexopay.Tests.Orders;

/// <summary>
/// What a service may do inside the pipeline's transaction (<c>inSameTransaction</c>): add its own rows, settle the
/// order at once, post a commission — all or nothing together with the charge or the outcome.
/// </summary>
public sealed class ServiceStepsSpec
{
    public static IEnumerable<object[]> Providers => TestDatabases.Providers;

    private const long Fee = 1_50;

    [Theory, MemberData(nameof(Providers))]
    public async Task A_service_can_settle_the_order_and_add_its_rows_with_the_charge(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);

        PlaceResult placed;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            placed = await scope.ServiceProvider.GetRequiredService<OrderPipeline>().PlaceAsync(reseller, Services.PanVerification, "SETTLED-1",
                """{"pan":"ABCPV****D"}""", (db, order) =>
                {
                    // A sandbox answer known at once: the order is final in the same transaction as its charge.
                    order.Status = OrderStatus.Succeeded;
                    order.ProviderRef = "REQ-42";
                    order.ResultJson = """{"panStatus":"Existing and Valid"}""";
                    order.ProviderCallStartedAt = null;
                    db.AuditLog.Add(new AuditEntry { Actor = "test", Action = "step", Target = order.OrderRef, CreatedAt = DateTime.UtcNow });
                    return Task.CompletedTask;
                });
        }

        Assert.Equal(PlaceStatus.Placed, placed.Status);
        var books = await BooksAsync(server, reseller);
        var stored = Assert.Single(books.Orders);
        Assert.Equal((OrderStatus.Succeeded, "REQ-42", """{"panStatus":"Existing and Valid"}""", (DateTime?)null),
            (stored.Status, stored.ProviderRef, stored.ResultJson, stored.ProviderCallStartedAt));
        Assert.Equal(placed.Order!.ChargeEntryId, stored.ChargeEntryId);
        Assert.Equal(100_00 - Fee, books.BalancePaise);
        await using (var scope = server.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<InexopayDb>().AuditLog.AnyAsync(a => a.Target == "SETTLED-1"));
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_failing_service_step_leaves_neither_order_nor_charge(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var pipeline = scope.ServiceProvider.GetRequiredService<OrderPipeline>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.PlaceAsync(reseller, Services.PanNew, "STEP-FAILS", null,
                (db, _) =>
                {
                    db.AuditLog.Add(new AuditEntry { Actor = "test", Action = "never saved", CreatedAt = DateTime.UtcNow });
                    throw new InvalidOperationException("the service could not record its part");
                }));
            // The same request scope goes on working, with nothing of the failed attempt left in it.
            Assert.Equal(PlaceStatus.Placed, (await pipeline.PlaceAsync(reseller, Services.PanNew, "STEP-FAILS", null)).Status);
        }

        var books = await BooksAsync(server, reseller);
        Assert.Single(books.Orders);
        Assert.Single(books.Entries, e => e.Kind == LedgerKind.Charge);
        Assert.Equal(100_00 - 99_00, books.BalancePaise);
        await using (var scope = server.Services.CreateAsyncScope())
            Assert.False(await scope.ServiceProvider.GetRequiredService<InexopayDb>().AuditLog.AnyAsync(a => a.Action == "never saved"));
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Steps_failing_among_concurrent_orders_take_nothing_else_down(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);

        // On SQLite these share transactions (group commit): a failing step must roll back its own order only.
        var results = await ConcurrentlyAsync(24, async i =>
        {
            await using var scope = server.Services.CreateAsyncScope();
            try
            {
                var placed = await scope.ServiceProvider.GetRequiredService<OrderPipeline>().PlaceAsync(reseller, Services.PanVerification,
                    $"MIXED-{i}", null, (db, order) =>
                    {
                        db.AuditLog.Add(new AuditEntry { Actor = "test", Action = "mixed", Target = order.OrderRef, CreatedAt = DateTime.UtcNow });
                        return i % 3 == 0 ? throw new InvalidOperationException("step failed") : Task.CompletedTask;
                    });
                return placed.Status.ToString();
            }
            catch (InvalidOperationException)
            {
                return "threw";
            }
        });

        Assert.Equal(8, results.Count(r => r == "threw"));
        Assert.Equal(16, results.Count(r => r == nameof(PlaceStatus.Placed)));
        var books = await BooksAsync(server, reseller);
        Assert.Equal(Enumerable.Range(0, 24).Where(i => i % 3 != 0).Select(i => $"MIXED-{i}").Order(), books.Orders.Select(o => o.OrderRef).Order());
        Assert.Equal(100_00 - 16 * Fee, books.BalancePaise);
        await using (var scope = server.Services.CreateAsyncScope())
            Assert.Equal(books.Orders.Select(o => o.OrderRef).Order(), (await scope.ServiceProvider.GetRequiredService<InexopayDb>().AuditLog
                .Where(a => a.Action == "mixed" && a.Target!.StartsWith("MIXED-")).Select(a => a.Target!).ToListAsync()).Order());
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_step_cannot_call_the_pipeline_inside_its_own_transaction(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);
        await using var scope = server.Services.CreateAsyncScope();
        var pipeline = scope.ServiceProvider.GetRequiredService<OrderPipeline>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.PlaceAsync(reseller, Services.PanVerification, "OUTER", null,
            async (_, _) => await pipeline.PlaceAsync(reseller, Services.PanVerification, "INNER", null)));

        Assert.Empty((await BooksAsync(server, reseller)).Orders);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task A_commission_posted_with_a_success_is_credited_once(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);
        var order = (await PlaceAsync(server.Services, reseller, "ACCOUNT-1", Services.BankAccountOpen)).Order!;

        var results = await ConcurrentlyAsync(8, async _ =>
        {
            await using var scope = server.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<OrderPipeline>().TryCompleteAsync(order, ProviderOutcome.Succeeded("ACC-1"),
                (db, o) => Ledger.PostAsync(db, reseller.WalletId, LedgerKind.Commission, 10_00, DateTime.UtcNow, "commission", o.Id));
        });

        Assert.Single(results, r => r.Applied);
        var books = await BooksAsync(server, reseller);
        Assert.Single(books.Entries, e => e.Kind == LedgerKind.Commission);
        Assert.Equal(100_00 - 15_00 + 10_00, books.BalancePaise);
        await AssertBooksBalanceAsync(server, reseller);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Postings_outside_a_transaction_are_refused(string provider)
    {
        var server = SharedServers.For(provider);
        var (_, reseller) = await ShopAsync(server, 100_00);
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InexopayDb>();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Ledger.PostAsync(db, reseller.WalletId, LedgerKind.Adjustment, -1_00, DateTime.UtcNow, "half a posting"));

        Assert.Equal(100_00, (await BooksAsync(server, reseller)).BalancePaise);
    }
}
