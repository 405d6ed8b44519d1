using System.Net;
using GhostCrate.Cli;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Docs;

/// <summary>`ghostcrate docs upload` against a running server, as CI runs it.</summary>
public class DocsCliTests
{
    [Fact]
    public async Task Upload_of_a_target_doc_folder_is_served_and_a_refusal_exits_1_with_the_servers_reason()
    {
        await using var app = await TestApp.StartAsync();
        Assert.True((await app.PublishAsync(CrateFileBuilder.Valid("cli-docs", "0.3.0").PublishBody())).IsSuccessStatusCode);
        var folder = Path.Combine(app.DataDir, "target-doc");
        Directory.CreateDirectory(Path.Combine(folder, "cli_docs"));
        await File.WriteAllTextAsync(Path.Combine(folder, "cli_docs", "index.html"), "<html><body>cli docs</body></html>");
        await File.WriteAllTextAsync(Path.Combine(folder, ".lock"), "");

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await DocsCommands.RunAsync(ParsedArgs.Parse(["docs", "upload", "cli-docs", "0.3.0", folder, "--registry", app.BaseAddress.ToString()]),
            output, error, name => name == DocsCommands.TokenVariable ? TestApp.AdminToken : null);
        Assert.True(exit == 0, error.ToString());
        Assert.Contains("1 files", output.ToString());
        Assert.Equal("<html><body>cli docs</body></html>", await app.Client().GetStringAsync("/docs/cli-docs/0.3.0/cli_docs/index.html"));

        error = new StringWriter();
        exit = await DocsCommands.RunAsync(ParsedArgs.Parse(["docs", "upload", "cli-docs", "9.0.0", folder, "--registry", app.BaseAddress.ToString()]),
            new StringWriter(), error, name => name == DocsCommands.TokenVariable ? TestApp.AdminToken : null);
        Assert.Equal(1, exit);
        Assert.Contains("(404)", error.ToString());
        Assert.Contains("9.0.0", error.ToString());

        var missingToken = await Assert.ThrowsAsync<CliException>(() => DocsCommands.RunAsync(
            ParsedArgs.Parse(["docs", "upload", "cli-docs", "0.3.0", folder, "--registry", app.BaseAddress.ToString()]), new StringWriter(), new StringWriter(), _ => null));
        Assert.Contains(DocsCommands.TokenVariable, missingToken.Message);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/docs/cli-docs/0.3.0/cli_docs/index.html")).StatusCode);
    }
}
