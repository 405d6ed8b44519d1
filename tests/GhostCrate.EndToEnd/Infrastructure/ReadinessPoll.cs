using System.Diagnostics;
using System.Net;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// Asks a starting server for a health path until it answers 200, the process exits, or the deadline passes. A refused
/// connection and a request that times out (a loaded CI machine answers slowly while the server warms up) both mean
/// "not yet": only the deadline decides failure.
/// </summary>
public static class ReadinessPoll
{
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(5);

    /// <returns>True when the path answered 200; false when the process exited or the deadline passed.</returns>
    public static async Task<bool> WaitAsync(HttpClient http, string path, Func<bool> exited, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (exited()) return false;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(PerRequest);
                using var response = await http.GetAsync(path, cts.Token);
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer while starting; ask again.
            }
            await Task.Delay(100, cancellationToken);
        }
        return false;
    }
}
