namespace GhostCrate.Data.Migrations;

/// <summary>One versioned SQL script, e.g. Migrations/Sqlite/0001_initial.sql → (1, "initial").</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql);
