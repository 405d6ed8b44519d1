namespace GhostCrate.Cli;

public static class Help
{
    public const string Text = """
        ghostcrate: a self-hosted Rust package registry

        Usage:
          ghostcrate serve [--urls URL] [--data-dir DIR] [--config FILE]
              Run the registry (default: http://127.0.0.1:8000, SQLite + files under ./data).
          ghostcrate migrate [--data-dir DIR] [--config FILE]
              Apply database migrations (SQLite migrates on start by itself; PostgreSQL needs this).
          ghostcrate admin user add NAME [--admin] [--password-stdin] [--data-dir DIR] [--config FILE]
              Create a user. Without --password-stdin a random password is printed once.
          ghostcrate admin token create --user NAME [--name LABEL] [--data-dir DIR] [--config FILE]
              Create an API token for a user and print it (shown once).
          ghostcrate proxy warm [--upstream NAME] [--lock Cargo.lock] [CRATE[@VERSION]...] [--data-dir DIR] [--config FILE]
              Fetch index files and .crate files into the proxy cache ahead of time (default upstream: crates-io).
              A Cargo.lock warms a whole build; a bare name warms its newest release. Exit 1 when some failed.
          ghostcrate proxy status [--probe] [--data-dir DIR] [--config FILE]
              Reachability, cache size and hit/miss counters per upstream (--probe asks each upstream first).
          ghostcrate mirror init DIR --upstream URL [--download TEMPLATE] [--crates a,b] [--lockfiles F,..]
                  [--vendor-dirs D,..] [--include GLOB,..] [--exclude GLOB,..] [--skip-yanked] [--keep-latest N]
                  [--resolve[=all|newest]] [--with-dev] [--concurrency N] [--force]
              Create a mirror directory (DIR/mirror.json). URL: sparse+https://... or a git index URL.
              --resolve adds the dependency closure of --crates (normal, build, optional, every target;
              --with-dev adds dev-dependencies): all = every matching version, newest = newest per requirement.
          ghostcrate mirror sync DIR [--plain] [--metrics HOST:PORT]
              Update the index and download missing crate files (exit 1 when some failed; rerun to resume).
          ghostcrate mirror estimate DIR
              Estimate the disk the next sync needs (reads the index, downloads nothing; sizes are estimated,
              see docs/mirror-in-10-minutes.md). Exit 1 when it does not fit or an index file was unreadable.
          ghostcrate mirror verify DIR [--repair]
              Check every listed file against the index checksum (exit 3 missing, 4 corrupt, 5 both).
          ghostcrate mirror diff DIR
              List missing, extra and yanked files (index versus crate files).
          ghostcrate mirror sidecars DIR
              Write DIR/sidecars/NAME/VERSION.json (checksum, size, dependencies, features, yanked, license).
          ghostcrate mirror inventory DIR
              Write DIR/inventory.yaml: every file with size, SHA-256, SHA-512 and SHA3-256.
          ghostcrate mirror sign DIR --key SECRET.asc [--passphrase-file FILE]
              Write DIR/inventory.yaml.asc, an OpenPGP detached signature (`gpg --verify` checks it).
          ghostcrate mirror export DIR --out FILE --key SECRET.asc [--passphrase-file FILE] [--since MARK|latest]
              Write a signed TAR bundle (all files, or what changed since MARK) and record a new mark.
          ghostcrate mirror import FILE --into DIR --trusted-key PUBLIC.asc
              Check a bundle's signature and every hash, then apply it (in order; re-running is safe).
          ghostcrate toolchain sync DIR --hosts TRIPLE,.. [--channels stable,1.95,1.95.0] [--targets TRIPLE,..]
                  [--profile minimal|default|complete|none] [--components rust-src,..] [--dist-server URL]
                  [--key PUBLIC.asc] [--signatures require|warn|skip] [--concurrency N] [--keep-stable N]
              Mirror rustup toolchains into DIR (checked against .sha256 files and the manifests' OpenPGP signatures).
          ghostcrate toolchain estimate DIR --hosts TRIPLE,.. [the flags of toolchain sync]
              Estimate the disk that toolchain sync with the same flags needs (asks the dist server each archive's size).
          ghostcrate toolchain upload NAME --url URL --host TRIPLE [--rust-version TEXT] ARCHIVE.tar.gz.. | DIST-DIR
              Upload an internal toolchain build's component archives as custom toolchain NAME (administrators;
              token in GHOSTCRATE_TOKEN).
          ghostcrate toolchain install NAME --dist-server URL [--dir DIR] [--key PUBLIC.asc] [--rustup PATH]
              Download a custom toolchain, check every hash against its manifest, unpack it into DIR and
              `rustup toolchain link` it as NAME (rustup installs only official channel names itself).
          ghostcrate toolchain delete NAME --url URL
              Stop serving a custom toolchain and delete its archives (administrators; token in GHOSTCRATE_TOKEN).
          ghostcrate backup create --to DIR [--encrypt-key-file FILE | --passphrase-env VAR] [--full] [--include-proxy-cache] [--include-mirror] [--data-dir DIR] [--config FILE]
              Back up the running registry into a new folder DIR/<UTC time>/ and print its path. Files the previous
              backup holds are referenced, not copied (--full: copy everything); encrypted with AES-256-GCM on request.
          ghostcrate backup verify DIR/BACKUP [--deep] [--key-file FILE | --passphrase-env VAR]
              Check every file's size and SHA-256 (--deep: every version has its crate file with the index checksum,
              and the database passes SQLite's integrity_check).
          ghostcrate backup restore DIR/BACKUP --data-dir NEW [--force] [--key-file FILE | --passphrase-env VAR] [--mirror-dir DIR]
              Verify, then restore into an empty data directory (--force replaces what is there).
          ghostcrate backup list DIR
              List backups, complete or incomplete, with their size and counts.
          ghostcrate backup prune DIR [--keep N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--dry-run]
              Delete complete backups no rule keeps (the newest N; the newest of each of the last N days, weeks, months).
          ghostcrate advisories sync --from DIR|TARBALL|GIT-URL [--data-dir DIR] [--config FILE]
              Import the RustSec advisory database (a checkout of rustsec/advisory-db, a .tar/.tar.gz of one, or a
              git URL to clone) and flag the affected versions. Idempotent; one unreadable file rejects the whole
              import (exit 1). The server can run it itself: Advisories:SyncFrom and Advisories:Schedule.
          ghostcrate advisories allow ID --reason R --until YYYY-MM-DD [--data-dir DIR] [--config FILE]
              Put an advisory on the allow-list: it blocks no download until the end of that day (UTC). Audited.
          ghostcrate advisories disallow ID | ghostcrate advisories allowed
              Remove an advisory from the allow-list; list the allow-list.
          ghostcrate proxy quarantine exempt CRATE --reason R --until YYYY-MM-DD | unexempt CRATE | exemptions
              Let fresh versions of a proxied crate through Proxy:QuarantineHours until that day; end it; list them.
          ghostcrate audit [Cargo.lock] [--deny-warnings] [--data-dir DIR] [--config FILE]
              List the advisories affecting a lock file's registry packages, like cargo-audit (exit 1 when vulnerable).
          ghostcrate sbom [Cargo.lock] [--format cyclonedx|spdx] [--output FILE] [--data-dir DIR] [--config FILE]
              Write a lock file's software bill of materials: CycloneDX 1.5 JSON (default) or SPDX 2.3 JSON, with
              purls, checksums, licences known to this registry and the advisories that affect its packages.
          ghostcrate docs upload CRATE VERSION PATH --registry URL
              Upload a version's rustdoc: PATH is `target/doc` (zipped here) or a .zip/.tar.gz of it. The token is
              read from GHOSTCRATE_TOKEN (an owner's token with the publish-update scope). See docs/rustdoc.md.
          ghostcrate --version
              Print the version and the commit this executable was built from.

        Settings come from, in increasing priority: ./appsettings.json, --config FILE (JSON), environment variables
        with the GHOSTCRATE_ prefix (`__` separates sections: GHOSTCRATE_Registry__AuthRequired=true) and the flags.
        See docs/configuration.md.
        """;

    /// <summary>
    /// `ghostcrate mirror export --help`: the usage lines of that command (its entries in <see cref="Text"/>, each with
    /// its description); the whole text when no verb is given or none matches.
    /// </summary>
    public static string For(IReadOnlyList<string> positionals)
    {
        if (positionals.Count == 0 || positionals[0] == "help") return Text;
        var command = "ghostcrate " + string.Join(' ', positionals.Take(2));
        var lines = Text.Split('\n');
        var picked = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!(trimmed == command || trimmed.StartsWith(command + " ", StringComparison.Ordinal))) continue;
            var indent = lines[i].Length - trimmed.Length;
            picked.Add(trimmed);
            for (var j = i + 1; j < lines.Length && lines[j].Length - lines[j].TrimStart().Length > indent && lines[j].Trim().Length > 0; j++)
                picked.Add(lines[j][indent..]);
        }
        return picked.Count == 0 ? Text : "Usage:\n" + string.Join('\n', picked.Select(l => "  " + l));
    }
}
