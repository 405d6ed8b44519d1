using GhostCrate.Core.Changes;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Changes;

public sealed class ChangeAnnouncerTests
{
    [Fact]
    public async Task A_refused_announcement_does_not_throw_and_is_retried_until_the_feed_takes_it()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));
        var feed = new RefusingFeed(refusals: 3);
        using var announcer = new ChangeAnnouncer(feed, time, NullLogger<ChangeAnnouncer>.Instance);

        await announcer.AnnounceAsync(ChangeTopics.Toolchains); // refused once: no exception reaches the caller
        Assert.Equal(1, feed.Attempts);
        Assert.Empty(feed.Delivered);

        // Retries after 1 s and 2 s are refused too, the one after a further 4 s goes through.
        foreach (var (wait, attempts) in new[] { (1, 2), (2, 3), (4, 4) })
        {
            await time.WhenScheduledAsync();
            time.Advance(TimeSpan.FromSeconds(wait) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempts - 1, feed.Attempts);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => feed.Attempts == attempts, $"attempt {attempts} was not made", cancellationToken: TestContext.Current.CancellationToken);
        }
        await announcer.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal([ChangeTopics.Toolchains], feed.Delivered);
    }

    [Fact]
    public async Task Changes_announced_while_a_retry_is_pending_share_its_announcement()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));
        var feed = new RefusingFeed(refusals: 1);
        using var announcer = new ChangeAnnouncer(feed, time, NullLogger<ChangeAnnouncer>.Instance);

        await announcer.AnnounceAsync(ChangeTopics.Toolchains);
        await announcer.AnnounceAsync(ChangeTopics.Toolchains);
        await announcer.AnnounceAsync(ChangeTopics.Toolchains);
        Assert.Equal(1, feed.Attempts); // the later ones leave it to the pending retry: "read again" covers them all

        await time.WhenScheduledAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await announcer.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal([ChangeTopics.Toolchains], feed.Delivered);

        await announcer.AnnounceAsync(ChangeTopics.Toolchains); // no retry pending any more: announced at once
        Assert.Equal([ChangeTopics.Toolchains, ChangeTopics.Toolchains], feed.Delivered);
    }

    [Fact]
    public async Task A_stopping_node_ends_its_retries()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));
        var feed = new RefusingFeed(refusals: int.MaxValue);
        var announcer = new ChangeAnnouncer(feed, time, NullLogger<ChangeAnnouncer>.Instance);
        await announcer.AnnounceAsync(ChangeTopics.Toolchains);
        await time.WhenScheduledAsync();

        announcer.Dispose();
        await announcer.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(1, feed.Attempts);
    }

    /// <summary>A feed whose announcements fail the first <paramref name="refusals"/> times (a lost database connection).</summary>
    private sealed class RefusingFeed(int refusals) : IChangeFeed
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public List<string> Delivered { get; } = [];

        public bool SharedByNodes => true;

        public Task AnnounceAsync(string topic, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= refusals) throw new InvalidOperationException("the connection to the database was lost");
            lock (Delivered) Delivered.Add(topic);
            return Task.CompletedTask;
        }

        public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => throw new NotSupportedException();

        public Task RunAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
