using GhostCrate.Core.Changes;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Changes;

/// <summary>
/// The calling discipline every change-feed transport shares (Core/Changes/ChangeSubscribers.cs): topics route,
/// unknown payloads wake everyone, calls for one subscriber never overlap and a burst folds into one more call, a
/// failing subscriber keeps being called, and a disposed one is not called again. The transports themselves are
/// tested on both databases in GhostCrate.Data.Tests (ChangeFeedTests).
/// </summary>
public sealed class ChangeSubscribersTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_subscriber_catches_up_once_on_subscription_and_then_only_for_its_topic_or_an_unknown_one()
    {
        var subscribers = new ChangeSubscribers(NullLogger<ChangeSubscribers>.Instance);
        var index = new CountingSubscriber();
        var access = new CountingSubscriber();
        using var a = subscribers.Subscribe(ChangeTopics.Index, index.CatchUpAsync);
        using var b = subscribers.Subscribe(ChangeTopics.Access, access.CatchUpAsync);
        await index.WaitForAsync(1);
        await access.WaitForAsync(1);

        subscribers.Notify(ChangeTopics.Index);
        await index.WaitForAsync(2);
        subscribers.Notify(ChangeTopics.Access);
        await access.WaitForAsync(2);
        Assert.Equal(2, index.Calls); // the access notification did not reach the index subscriber

        subscribers.Notify("something-a-newer-node-sends");
        await index.WaitForAsync(3);
        await access.WaitForAsync(3);
        subscribers.Notify(null);
        await index.WaitForAsync(4);
        await access.WaitForAsync(4);

        subscribers.NotifyAll();
        await index.WaitForAsync(5);
        await access.WaitForAsync(5);
        Assert.Equal([ChangeTopics.Access, ChangeTopics.Index], subscribers.Topics.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Notifications_during_a_call_fold_into_one_more_call_and_calls_never_overlap()
    {
        var subscribers = new ChangeSubscribers(NullLogger<ChangeSubscribers>.Instance);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var inside = 0;
        var overlapped = false;
        using var subscription = subscribers.Subscribe(ChangeTopics.Index, async _ =>
        {
            if (Interlocked.Increment(ref inside) > 1) overlapped = true;
            var call = Interlocked.Increment(ref calls);
            if (call == 1)
            {
                started.SetResult();
                await release.Task;
            }
            Interlocked.Decrement(ref inside);
        });
        await started.Task.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        for (var i = 0; i < 50; i++) subscribers.Notify(ChangeTopics.Index);
        release.SetResult();

        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 2, "the burst was not answered by a second call");
        // Idle now: a later notification starts a new call.
        await Eventually.TrueAsync(() => Volatile.Read(ref inside) == 0, "the second call did not finish");
        subscribers.Notify(ChangeTopics.Index);
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) == 3, "a notification after the burst was not answered");
        Assert.False(overlapped);
    }

    [Fact]
    public async Task A_failing_subscriber_is_called_again_and_does_not_stop_the_others_and_a_disposed_one_is_not_called()
    {
        var subscribers = new ChangeSubscribers(NullLogger<ChangeSubscribers>.Instance);
        var failing = 0;
        var healthy = new CountingSubscriber();
        var gone = new CountingSubscriber();
        using var a = subscribers.Subscribe(ChangeTopics.Jobs, _ =>
        {
            Interlocked.Increment(ref failing);
            throw new InvalidOperationException("database down");
        });
        using var b = subscribers.Subscribe(ChangeTopics.Jobs, healthy.CatchUpAsync);
        var c = subscribers.Subscribe(ChangeTopics.Jobs, gone.CatchUpAsync);
        await gone.WaitForAsync(1);
        c.Dispose();

        subscribers.Notify(ChangeTopics.Jobs);
        await healthy.WaitForAsync(2);
        await Eventually.TrueAsync(() => Volatile.Read(ref failing) >= 2, "the failing subscriber was not called again");
        Assert.Equal(1, gone.Calls);
        Assert.Equal([ChangeTopics.Jobs], subscribers.Topics);
    }

    private sealed class CountingSubscriber
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task CatchUpAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.CompletedTask;
        }

        public Task WaitForAsync(int calls) => Eventually.TrueAsync(() => Calls >= calls, $"expected {calls} catch-ups, saw {Calls}");
    }
}
