namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// Two nodes on one database and bucket (<see cref="NodePair"/>) behind deploy/nginx/ghostcrate.conf as their load
/// balancer (<see cref="NginxFront"/>, one upstream line per node), with Registry:PublicUrl set to the front, as
/// docs/deploy.md "Several nodes" describes. Skips the test outside the postgres-s3 lane or without nginx.
/// </summary>
public sealed class BalancedPair : IAsyncDisposable
{
    private BalancedPair(NginxFront front, GhostCrateServer a, GhostCrateServer b)
    {
        Front = front;
        A = a;
        B = b;
    }

    public NginxFront Front { get; }
    public GhostCrateServer A { get; }
    public GhostCrateServer B { get; }
    public IReadOnlyList<GhostCrateServer> Nodes => [A, B];
    public string AdminToken => A.AdminToken;

    public static async Task<BalancedPair> StartAsync(IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken)
    {
        if (NodePair.SkipReason is { } reason) Assert.Skip(reason);
        if (NginxFront.Executable() is null) Assert.Skip("nginx is not installed (scripts/test.sh installs Debian's nginx)");

        var front = NginxFront.Prepare();
        GhostCrateServer? a = null, b = null;
        try
        {
            (a, b) = await NodePair.StartAsync(
                new Dictionary<string, string>(extra) { ["GHOSTCRATE_Registry__PublicUrl"] = front.BaseUrl.ToString().TrimEnd('/') },
                cancellationToken);
            try
            {
                await front.StartAsync([a.Port, b.Port], cancellationToken);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException(front.Describe(), e);
            }
            return new BalancedPair(front, a, b);
        }
        catch
        {
            await front.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
            if (a is not null) await a.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Front.DisposeAsync();
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
