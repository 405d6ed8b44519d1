using System.Text;
using GhostCrate.Browser.Tests.Infrastructure;
using GhostCrate.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// The page walks cannot miss a page: every Razor page route of the real server is in <see cref="SiteTour.Pages"/>
/// (or named in <see cref="SiteTour.NotPages"/> with its reason), each tour address really is its route, and
/// docs/ui.md lists every page. The weight budget's arithmetic is checked here too, without a browser.
/// </summary>
public sealed class SiteTourCoverageTests
{
    /// <summary>The real server's Razor page routes (read once: both tests ask).</summary>
    private static readonly Lazy<Task<IReadOnlyList<string>>> Routes = new(ReadPageRoutesAsync);

    private static Task<IReadOnlyList<string>> PageRoutesAsync() => Routes.Value;

    private static async Task<IReadOnlyList<string>> ReadPageRoutesAsync()
    {
        await using var server = await UiServer.StartAsync();
        return [.. server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/'))
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Every_page_route_is_in_the_tour_or_named_as_not_a_page()
    {
        var routes = await PageRoutesAsync();
        Assert.True(routes.Count > 30, $"only {routes.Count} page routes found: {string.Join(", ", routes)}");
        var toured = SiteTour.Pages.Select(p => p.Route).ToHashSet(StringComparer.Ordinal);

        var missing = routes.Where(r => !toured.Contains(r) && !SiteTour.NotPages.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, "pages in no walk (add them to SiteTour.Pages with data that fills them):\n" + string.Join("\n", missing));
        var stale = toured.Concat(SiteTour.NotPages.Keys).Where(r => !routes.Contains(r)).ToList();
        Assert.True(stale.Count == 0, "SiteTour names routes the server does not have:\n" + string.Join("\n", stale));

        foreach (var page in SiteTour.Pages)
        {
            var matcher = new TemplateMatcher(TemplateParser.Parse(page.Route.TrimStart('/')), new RouteValueDictionary());
            var path = page.Path.Split('?')[0];
            Assert.True(matcher.TryMatch(new PathString(path), new RouteValueDictionary()), $"{page.Path} is not an address of {page.Route}");
        }
    }

    [Fact]
    public async Task Docs_ui_md_lists_every_page()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(ServiceScript.RepositoryRoot, "docs", "ui.md"), TestContext.Current.CancellationToken);
        var start = text.IndexOf("\n## Pages\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/ui.md has no Pages section");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var documented = text[start..(end < 0 ? text.Length : end)].Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => l.Split('|')[1].Split('`').Where((_, i) => i % 2 == 1))
            .Select(Shape)
            .ToHashSet(StringComparer.Ordinal);

        var undocumented = (await PageRoutesAsync()).Where(r => !documented.Contains(Shape(r))).ToList();
        Assert.True(undocumented.Count == 0, "pages without a row in docs/ui.md's Pages table:\n" + string.Join("\n", undocumented));
    }

    /// <summary>
    /// A route's shape, the same for the template and the way docs/ui.md writes it: parameters become <c>{}</c>
    /// (`{version?}`, `{**path}`, `{code:int}`), optional parts lose their brackets, and the query is dropped.
    /// </summary>
    private static string Shape(string route)
    {
        var shape = new StringBuilder();
        for (var i = 0; i < route.Length; i++)
        {
            var c = route[i];
            if (c == '{')
            {
                shape.Append("{}");
                i = route.IndexOf('}', i);
                if (i < 0) break;
            }
            else if (c == '?') break;
            else if (c is not ('[' or ']')) shape.Append(c);
        }
        var result = shape.ToString();
        return result.Length > 1 ? result.TrimEnd('/') : result;
    }

    [Fact]
    public void The_weight_check_fails_a_page_over_either_budget()
    {
        var light = new PageWeight("/light");
        light.Add("script", PageWeight.ScriptAndStyleBudgetBytes - 11);
        light.Add("stylesheet", 10);
        light.Add("document", PageWeight.PageBudgetBytes - PageWeight.ScriptAndStyleBudgetBytes);
        Assert.Empty(light.OverBudget());

        var scripted = new PageWeight("/scripted");
        scripted.Add("script", PageWeight.ScriptAndStyleBudgetBytes - 10);
        scripted.Add("stylesheet", 10);
        Assert.Contains("script and style", Assert.Single(scripted.OverBudget()), StringComparison.Ordinal);

        var heavy = new PageWeight("/heavy");
        heavy.Add("document", PageWeight.PageBudgetBytes / 2);
        heavy.Add("image", PageWeight.PageBudgetBytes / 2);
        Assert.Contains("in all", Assert.Single(heavy.OverBudget()), StringComparison.Ordinal);
        Assert.Contains("| `/heavy` | 100.0 | 0.0 | 0.0 | 0.0 | 100.0 | 0.0 | 0.0 | 200.0 |", PageWeight.Report([heavy]), StringComparison.Ordinal);
    }
}
