using System.Globalization;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Policy;

/// <summary>
/// The quarantine of fresh proxied versions (Proxy:QuarantineHours; docs/security.md#quarantine): a defence against
/// malware published upstream and pulled in before anyone noticed it. A version's age is taken from the upstream index
/// entry's `pubtime` (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema) when it has one, else
/// from the time this registry first saw a download request for it (stored, so every node agrees). Quarantined
/// versions stay listed in the index and are refused at download with a detail saying until when: the index files are
/// the upstream's, shared by every node and revalidated by ETag, so they are not rewritten by a clock.
/// </summary>
public sealed class ProxyQuarantine(ProxyIndexService index, IPolicyRepository repository, DownloadPolicy policy, IOptions<ProxyOptions> options, TimeProvider time)
{
    public bool Enabled => options.Value.QuarantineHours > 0;

    /// <summary>Null when the download may go ahead (always, without any lookup, when the quarantine is off).</summary>
    public async ValueTask<DownloadRefusal?> CheckAsync(Upstream upstream, string crateName, string version, CancellationToken cancellationToken)
    {
        if (!Enabled) return null;
        var canonical = CrateName.Canonicalize(crateName);
        var now = time.GetUtcNow();
        var snapshot = await policy.SnapshotAsync(cancellationToken);
        if (snapshot.Exemptions.TryGetValue(canonical, out var exemption) && exemption.IsActive(now)) return null;

        var file = await index.GetAsync(upstream, crateName, revalidate: false, cancellationToken);
        var line = file.File is { } f ? IndexLines.Find(f.Content, version) : null;
        // Not in the index (yet): the download itself answers that, and checks again with a fresh index.
        if (line is null) return null;
        var published = ParsePubtime(line.Pubtime)
            ?? await repository.FirstSeenAsync(upstream.Name, canonical, line.Vers, now, cancellationToken);
        var until = published + TimeSpan.FromHours(options.Value.QuarantineHours);
        if (now >= until) return null;
        var source = line.Pubtime is null ? "first requested here" : $"published upstream `{upstream.Name}`";
        return new DownloadRefusal(
            $"`{crateName}@{line.Vers}` is quarantined: it was {source} at {Format(published)}, and this registry serves proxied versions " +
            $"only {options.Value.QuarantineHours} hours after that (from {Format(until)}). Use an older version " +
            $"(cargo update -p {crateName} --precise OLDER), or ask an administrator to exempt the crate", []);
    }

    internal static DateTimeOffset? ParsePubtime(string? pubtime) =>
        pubtime is not null && DateTimeOffset.TryParse(pubtime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
