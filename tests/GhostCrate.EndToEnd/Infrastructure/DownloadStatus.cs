using System.Net;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// Waits, with a deadline, until a server answers a download with the expected status: after a CLI changed the
/// database beside it, the server follows the policy epoch (a NOTIFY on PostgreSQL, a one-second poll on SQLite).
/// </summary>
public static class DownloadStatus
{
    public static async Task WaitAsync(HttpClient client, string path, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync(path, cancellationToken);
            if (response.StatusCode == expected) return;
            Assert.True(DateTime.UtcNow < deadline, $"GET {path} still answers {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            await Task.Delay(200, cancellationToken);
        }
    }
}
