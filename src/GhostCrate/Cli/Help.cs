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

        Settings come from, in increasing priority: ./appsettings.json, --config FILE (JSON), environment variables
        with the GHOSTCRATE_ prefix (`__` separates sections: GHOSTCRATE_Registry__AuthRequired=true) and the flags.
        See docs/configuration.md.
        """;
}
