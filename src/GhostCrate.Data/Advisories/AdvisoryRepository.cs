using System.Text.Json;
using Dapper;
using GhostCrate.Core.Advisories;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Notifications;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Data.Advisories;

internal sealed class AdvisoryRepository(IDbConnectionFactory factory) : IAdvisoryRepository
{
    public Task<(int Added, int Updated, int Removed, int Unchanged)> ReplaceAllAsync(IReadOnlyList<StoredAdvisory> advisories, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // Locks the stored rows on PostgreSQL so two nodes importing at once take turns (SQLite locks the whole database).
            var existing = (await connection.QueryAsync<(string Id, string Sha, int Severity)>(new CommandDefinition(
                $"SELECT id, content_sha256, severity FROM advisories ORDER BY id{factory.LockRowsSuffix}", transaction: transaction, cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Id, r => (r.Sha, r.Severity), StringComparer.Ordinal);
            var incoming = advisories.Select(a => a.Advisory.Id).ToHashSet(StringComparer.Ordinal);

            var removedIds = existing.Keys.Where(id => !incoming.Contains(id)).ToArray();
            if (removedIds.Length > 0)
            {
                foreach (var chunk in removedIds.Chunk(500))
                {
                    // Findings first: SQLite enforces the foreign key only when the pragma is on, so do not rely on the cascade.
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"DELETE FROM advisory_affected_versions WHERE advisory_id {factory.InList("ids")}", new { ids = chunk }, transaction, cancellationToken: cancellationToken));
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"DELETE FROM advisories WHERE id {factory.InList("ids")}", new { ids = chunk }, transaction, cancellationToken: cancellationToken));
                }
            }

            int added = 0, updated = 0, unchanged = 0;
            foreach (var stored in advisories)
            {
                if (existing.TryGetValue(stored.Advisory.Id, out var row))
                {
                    // Same text, same severity: nothing to write. The same text can score differently once the scorer
                    // learns more (CVSS 4.0 vectors were stored unscored before), so the column is rewritten then.
                    if (row.Sha == stored.Sha256 && row.Severity == (int)stored.Advisory.Severity) { unchanged++; continue; }
                    updated++;
                }
                else added++;
                var a = stored.Advisory;
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO advisories (id, package, package_canonical, published_on, withdrawn_on, informational, severity, title, content, content_sha256, synced_at)
                    VALUES (@id, @package, @canonical, @published, @withdrawn, @informational, @severity, @title, @content, @sha, @now)
                    ON CONFLICT (id) DO UPDATE SET package = excluded.package, package_canonical = excluded.package_canonical,
                        published_on = excluded.published_on, withdrawn_on = excluded.withdrawn_on, informational = excluded.informational,
                        severity = excluded.severity, title = excluded.title, content = excluded.content,
                        content_sha256 = excluded.content_sha256, synced_at = excluded.synced_at
                    """,
                    new
                    {
                        id = a.Id, package = a.Package, canonical = CrateName.Canonicalize(a.Package),
                        published = a.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                        withdrawn = a.Withdrawn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                        informational = a.Informational, severity = (int)a.Severity, title = a.Title,
                        content = stored.Text, sha = stored.Sha256, now = UnixTime.ToMs(now),
                    },
                    transaction, cancellationToken: cancellationToken));
            }
            return (added, updated, removedIds.Length, unchanged);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> TextsAsync(IReadOnlyCollection<string>? canonicalNames, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<string>>(async connection => canonicalNames is null
            ? [.. await connection.QueryAsync<string>(new CommandDefinition("SELECT content FROM advisories ORDER BY id", cancellationToken: cancellationToken))]
            : [.. await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT content FROM advisories WHERE package_canonical {factory.InList("names")} ORDER BY id",
                new { names = canonicalNames.ToArray() }, cancellationToken: cancellationToken))],
            cancellationToken);

    public Task<string?> TextAsync(string id, CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT content FROM advisories WHERE id = @id", new { id }, cancellationToken: cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<string>> PackagesWithAdvisoriesAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<string>>(async connection => [.. await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT DISTINCT package_canonical FROM advisories WHERE package_canonical {factory.InList("names")} ORDER BY package_canonical",
            new { names = canonicalNames.ToArray() }, cancellationToken: cancellationToken))], cancellationToken);

    public Task<IReadOnlyList<KnownVersion>> KnownVersionsAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<KnownVersion>>(async connection =>
        {
            var names = canonicalNames.ToArray();
            var privateRows = await connection.QueryAsync<(string Name, string Num)>(new CommandDefinition(
                $"SELECT c.canonical_name, v.num FROM versions v JOIN crates c ON c.id = v.crate_id WHERE c.canonical_name {factory.InList("names")} ORDER BY c.canonical_name, v.id",
                new { names }, cancellationToken: cancellationToken));
            // The proxy keys its cache by the lower-cased upstream name, which may use `_` where the canonical form has `-`.
            var proxyNames = names.SelectMany(n => new[] { n, n.Replace('-', '_') }).Distinct(StringComparer.Ordinal).ToArray();
            var proxyRows = await connection.QueryAsync<(string Upstream, string Name, string Version)>(new CommandDefinition(
                $"SELECT upstream, crate_name, version FROM proxy_crate_files WHERE crate_name {factory.InList("names")} ORDER BY upstream, crate_name, version",
                new { names = proxyNames }, cancellationToken: cancellationToken));
            return
            [
                .. privateRows.Select(r => new KnownVersion(VersionSources.Private, r.Name, r.Num)),
                .. proxyRows.Select(r => new KnownVersion(VersionSources.Proxy(r.Upstream), CrateName.Canonicalize(r.Name), r.Version)),
            ];
        }, cancellationToken);

    public Task<int> ReplaceAffectedAsync(IReadOnlyCollection<string> canonicalNames, IReadOnlyList<AffectedVersion> affected,
        IReadOnlyDictionary<string, Advisory> advisories, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM advisory_affected_versions WHERE crate_name {factory.InList("names")}",
                new { names = canonicalNames.ToArray() }, transaction, cancellationToken: cancellationToken));
            var announced = new List<AffectedVersion>();
            foreach (var chunk in affected.Chunk(500))
            {
                var batch = JsonSerializer.Serialize(chunk.Select(r => new Row(r.AdvisoryId, r.Source, r.CrateName, r.Version)));
                var rows = factory.JsonRows("batch", ("advisory_id", "text"), ("source", "text"), ("crate_name", "text"), ("version", "text"));
                // Only ids still stored: a sync on another node may have removed one meanwhile. ON CONFLICT: two nodes
                // recomputing the same crate at once write the same rows.
                await connection.ExecuteAsync(new CommandDefinition(
                    $"""
                    INSERT INTO advisory_affected_versions (advisory_id, source, crate_name, version)
                    SELECT i.advisory_id, i.source, i.crate_name, i.version FROM {rows} i
                    WHERE EXISTS (SELECT 1 FROM advisories a WHERE a.id = i.advisory_id)
                    ON CONFLICT DO NOTHING
                    """, new { batch }, transaction, cancellationToken: cancellationToken));
                // advisory_match_notices (migration 0021) remembers every finding ever announced. RETURNING gives only the
                // rows this statement added: on PostgreSQL a concurrent insert of the same key waits for the other
                // transaction and then does nothing, so of two nodes storing one new finding exactly one announces it.
                announced.AddRange((await connection.QueryAsync<(string AdvisoryId, string Source, string CrateName, string Version)>(new CommandDefinition(
                    $"""
                    INSERT INTO advisory_match_notices (advisory_id, source, crate_name, version, created_at)
                    SELECT i.advisory_id, i.source, i.crate_name, i.version, @now FROM {rows} i
                    WHERE EXISTS (SELECT 1 FROM advisories a WHERE a.id = i.advisory_id)
                    ON CONFLICT (advisory_id, source, crate_name, version) DO NOTHING
                    RETURNING advisory_id, source, crate_name, version
                    """, new { batch, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)))
                    .Select(r => new AffectedVersion(r.AdvisoryId, r.Source, r.CrateName, r.Version)));
            }
            var written = 0;
            foreach (var finding in announced.OrderBy(f => f.CrateName, StringComparer.Ordinal).ThenBy(f => f.Version, StringComparer.Ordinal)
                         .ThenBy(f => f.Source, StringComparer.Ordinal).ThenBy(f => f.AdvisoryId, StringComparer.Ordinal))
            {
                if (!advisories.TryGetValue(finding.AdvisoryId, out var advisory)) continue;
                await EventOutbox.AdvisoryMatchedAsync(factory, connection, transaction, advisory, finding, now, cancellationToken);
                written++;
            }
            return written;
        }, cancellationToken);

    public Task<IReadOnlyList<AffectedVersion>> AllAffectedAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<AffectedVersion>>(async connection => [.. (await connection.QueryAsync<(string Id, string Source, string Name, string Version)>(new CommandDefinition(
            "SELECT advisory_id, source, crate_name, version FROM advisory_affected_versions ORDER BY crate_name, source, advisory_id, version",
            cancellationToken: cancellationToken))).Select(r => new AffectedVersion(r.Id, r.Source, r.Name, r.Version))], cancellationToken);

    public Task<IReadOnlyList<AffectedVersion>> AffectedAsync(string canonicalName, string? version, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<AffectedVersion>>(async connection => [.. (await connection.QueryAsync<(string Id, string Source, string Name, string Version)>(new CommandDefinition(
            // Two statements rather than `@version IS NULL OR ...`: PostgreSQL cannot type an untyped null parameter.
            "SELECT advisory_id, source, crate_name, version FROM advisory_affected_versions WHERE crate_name = @canonicalName"
            + (version is null ? "" : " AND version = @version") + " ORDER BY version, source, advisory_id",
            new { canonicalName, version }, cancellationToken: cancellationToken)))
            .Select(r => new AffectedVersion(r.Id, r.Source, r.Name, r.Version))], cancellationToken);

    private sealed record Row(string advisory_id, string source, string crate_name, string version);
}
