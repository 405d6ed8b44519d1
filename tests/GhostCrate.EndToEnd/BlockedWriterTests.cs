using System.Net;
using GhostCrate.EndToEnd.Infrastructure;
using Microsoft.Data.Sqlite;

namespace GhostCrate.EndToEnd;

/// <summary>
/// With SQLite, `ghostcrate serve` lets its socket threads answer from memory themselves (docs/configuration.md,
/// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS). Those few threads serve every connection, so a request that blocks
/// must never be running on one: here a publish waits for the database's write lock (held by another process, as
/// `ghostcrate migrate` or a backup would) while clients on kept-alive connections, spread over every socket thread,
/// keep reading index files.
/// </summary>
public sealed class BlockedWriterTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    /// <summary>Far below the 30 s a blocked SQLite writer waits, far above what a cached index file takes.</summary>
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_publish_waiting_for_the_database_lock_does_not_hold_up_index_reads_on_other_connections()
    {
        if (Server.Lane.Kind != BackendKind.Sqlite)
        {
            Assert.Skip("Inline socket completions are on only with SQLite and the file store (PostgreSQL and S3 keep them off).");
        }
        Assert.Contains("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1", Server.Log);

        var name = $"blocked-{Ids.New()}";
        var first = await Http.PublishAsync(CrateFiles.PublishBody(name, "1.0.0", CrateFiles.Build(name, "1.0.0")), Server.AdminToken, Cancel);
        Assert.True(first.Status == HttpStatusCode.OK, first.Describe());
        Assert.Single(await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)); // now cached in memory

        // Kept-alive connections, as cargo keeps them: a request on a fresh connection is often read at once by the
        // thread pool, but later requests on it arrive through the socket threads. The runtime hands connections to
        // its socket threads in turn, so eight readers cover each thread several times.
        using var publisher = new RegistryClient(Server.BaseUrl);
        var readers = Enumerable.Range(0, 8).Select(_ => new RegistryClient(Server.BaseUrl)).ToList();
        try
        {
            foreach (var client in readers.Append(publisher))
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetIndexFileAsync(name, cancellationToken: Cancel)).Status);
            }

            await using var lockHolder = new SqliteConnection($"Data Source={Path.Combine(Server.DataDir, "ghostcrate.db")}");
            await lockHolder.OpenAsync(Cancel);
            await using var holdLock = lockHolder.CreateCommand();
            holdLock.CommandText = "BEGIN IMMEDIATE";
            await holdLock.ExecuteNonQueryAsync(Cancel);

            var blocked = publisher.PublishAsync(CrateFiles.PublishBody(name, "1.1.0", CrateFiles.Build(name, "1.1.0")), Server.AdminToken, Cancel);

            // The publish reaches the lock within the first rounds and stays there.
            for (var round = 0; round < 10; round++)
            {
                for (var i = 0; i < readers.Count; i++)
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
                    deadline.CancelAfter(ReadDeadline);
                    HttpAnswer answer;
                    try
                    {
                        answer = await readers[i].GetIndexFileAsync(name, cancellationToken: deadline.Token);
                    }
                    catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
                    {
                        throw new Xunit.Sdk.XunitException($"round {round}, connection {i}: an index read waited {ReadDeadline.TotalSeconds} s behind the blocked publish");
                    }
                    Assert.True(answer.Status == HttpStatusCode.OK, $"round {round}, connection {i}: {answer.Describe()}");
                }
                if (blocked.IsCompleted) Assert.Fail($"the publish must wait for the lock, not finish: {(await blocked).Describe()}");
            }

            holdLock.CommandText = "ROLLBACK";
            await holdLock.ExecuteNonQueryAsync(Cancel);
            var published = await blocked;
            Assert.True(published.Status == HttpStatusCode.OK, published.Describe());
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
        Assert.Equal(2, (await Http.GetIndexEntriesAsync(name, cancellationToken: Cancel)).Count);
    }
}
