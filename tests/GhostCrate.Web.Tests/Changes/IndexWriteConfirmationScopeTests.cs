using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Index;
using GhostCrate.Data;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Changes;

/// <summary>
/// Web/Http/IndexWriteConfirmationMiddleware on a node of a PostgreSQL registry (index read leases on): only a write
/// that changed an index file waits for the other leaseholders; a token's creation answers without asking the lease
/// table. The real lease table is wrapped in a decorator that counts the confirmation's question
/// (<see cref="IIndexReadLeases.CountBehindAsync"/>, asked by nothing else). What the wait achieves across two real
/// nodes: EndToEnd TwoNodeIndexTests. Skipped without GHOSTCRATE_TEST_POSTGRES (scripts/test.sh starts one).
/// </summary>
public sealed class IndexWriteConfirmationScopeTests
{
    [Fact]
    public async Task A_token_creation_answers_without_confirmation_and_a_publish_waits_for_it()
    {
        await using var database = await ScratchPostgresDatabase.CreateAsync("gc_confirm");
        // The nodes stop at the end of this block, before the database is dropped.
        {
            CountingLeases? leases = null;
            await using var app = await TestApp.StartAsync(new()
            {
                ["Database:Provider"] = "Postgres",
                ["Database:ConnectionString"] = database.ConnectionString,
                ["Database:AutoMigrate"] = "true",
                ["Jobs:Enabled"] = "false",
            }, services => services.AddSingleton<IIndexReadLeases>(sp => leases = new CountingLeases(sp.GetRequiredService<GhostCrateDatabase>().IndexReadLeases)));
            Assert.True(app.Services.GetRequiredService<IndexWriteConfirmation>().Enabled, "index read leases are off on this node: the test shows nothing");
            Assert.Same(leases, app.Services.GetRequiredService<IIndexReadLeases>());
            using var admin = app.Client(TestApp.AdminToken);

            // Writes that change no index file: a token, then its revocation.
            var created = await admin.PutAsJsonAsync("/api/v1/me/tokens", new { api_token = new { name = "ci" } });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            Assert.Equal(0, leases!.Confirmations);

            // A publish changes the crate's index file: its answer waited for the other leaseholders (here: none).
            Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("confirmed", "1.0.0").PublishBody())).StatusCode);
            Assert.True(leases.Confirmations > 0, "the publish's answer did not wait for the other nodes holding an index read lease");
        }
    }


    /// <summary>The real lease table, counting the question only a write's confirmation asks.</summary>
    private sealed class CountingLeases(IIndexReadLeases inner) : IIndexReadLeases
    {
        private int _confirmations;

        public int Confirmations => Volatile.Read(ref _confirmations);

        public Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken) => inner.RenewAsync(node, appliedSeq, lease, cancellationToken);

        public Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken) => inner.AcknowledgeAsync(node, appliedSeq, cancellationToken);

        public Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _confirmations);
            return inner.CountBehindAsync(node, seq, cancellationToken);
        }

        public Task ReleaseAsync(string node, CancellationToken cancellationToken) => inner.ReleaseAsync(node, cancellationToken);
    }
}
