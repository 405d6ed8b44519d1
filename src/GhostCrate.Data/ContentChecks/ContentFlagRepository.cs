using Dapper;
using GhostCrate.Core.ContentChecks;
using GhostCrate.Data.Connections;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Data.ContentChecks;

internal sealed class ContentFlagRepository(IDbConnectionFactory factory) : IContentFlagRepository
{
    public Task<IReadOnlyList<ContentFlag>> ForVersionAsync(string source, string canonicalName, string version, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<ContentFlag>>(async connection =>
        {
            var rows = await connection.QueryAsync<(string Kind, string Path, string Detail)>(new CommandDefinition(
                """
                SELECT kind, path, detail FROM content_flags
                WHERE source = @source AND crate_name = @canonicalName AND version = @version ORDER BY ordinal
                """,
                new { source, canonicalName, version }, cancellationToken: cancellationToken));
            return [.. rows.Select(r => new ContentFlag(r.Kind, r.Path, r.Detail))];
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> KindsByVersionAsync(string source, string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyDictionary<string, IReadOnlyList<string>>>(async connection =>
        {
            var rows = await connection.QueryAsync<(string Version, string Kind)>(new CommandDefinition(
                "SELECT DISTINCT version, kind FROM content_flags WHERE source = @source AND crate_name = @canonicalName ORDER BY version, kind",
                new { source, canonicalName }, cancellationToken: cancellationToken));
            return rows.GroupBy(r => r.Version, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(r => r.Kind)], StringComparer.Ordinal);
        }, cancellationToken);

    public Task ReplaceAsync(string source, string canonicalName, string version, IReadOnlyList<ContentFlag> flags, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            await ContentFlagsSql.ReplaceAsync(connection, transaction, source, canonicalName, version, flags, cancellationToken);
            return 0;
        }, cancellationToken);
}
