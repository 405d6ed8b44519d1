using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace GhostCrate.Web.Tests;

/// <summary>
/// docs/architecture.svg, the picture of "Which way the arrows point" (hand-drawn, not generated): well-formed SVG,
/// shown by docs/architecture.md, one box per project under src/ (a new project without a box fails), and arrows that
/// tell the truth about the .csproj references: every arrow is a reference (direct or through other projects), and
/// every direct reference is drawn or follows from the arrows drawn. An arrow is a `path.edge` from a point on one box
/// to a point on another; a box is a `rect` and the bold `text.name` inside it.
/// </summary>
public sealed partial class ArchitecturePictureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Root => ServiceScript.RepositoryRoot;

    private sealed record Box(string Name, double X, double Y, double Width, double Height)
    {
        /// <summary>On or inside the box, with the half stroke width an arrow's end may sit off its border.</summary>
        public bool Holds(double x, double y) => x >= X - 2 && x <= X + Width + 2 && y >= Y - 2 && y <= Y + Height + 2;
    }

    private static XDocument Picture() => XDocument.Load(Path.Combine(Root, "docs", "architecture.svg"));

    private static List<Box> Boxes(XDocument picture)
    {
        var rects = picture.Descendants(Svg + "rect").Select(r => (X: Number(r, "x"), Y: Number(r, "y"), W: Number(r, "width"), H: Number(r, "height"))).ToList();
        return picture.Descendants(Svg + "text").Where(t => Classes(t).Contains("name")).Select(t =>
        {
            var (x, y) = (Number(t, "x"), Number(t, "y"));
            var rect = Assert.Single(rects, r => x >= r.X && x <= r.X + r.W && y >= r.Y && y <= r.Y + r.H);
            return new Box(t.Value.Trim(), rect.X, rect.Y, rect.W, rect.H);
        }).ToList();
    }

    /// <summary>The projects under src/ by their box names (GhostCrate.Core is Core, the host GhostCrate stays GhostCrate), with their direct references.</summary>
    private static Dictionary<string, List<string>> Projects() =>
        Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories).ToDictionary(
            p => BoxName(Path.GetFileNameWithoutExtension(p)),
            p => XDocument.Load(p).Descendants("ProjectReference").Select(r => BoxName(Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))).ToList());

    private static string BoxName(string project) => project == "GhostCrate" ? project : project["GhostCrate.".Length..];

    [Fact]
    public void The_picture_is_well_formed_svg_with_a_title_and_architecture_md_shows_it()
    {
        var picture = Picture();
        Assert.Equal(Svg + "svg", picture.Root!.Name);
        Assert.False(string.IsNullOrWhiteSpace(picture.Root.Element(Svg + "title")?.Value), "the picture has no <title> (what a screen reader says)");
        var map = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));
        Assert.Matches(@"!\[[^\]]+\]\(architecture\.svg\)", map);
    }

    [Fact]
    public void Every_project_under_src_has_exactly_one_box_and_every_box_is_a_project()
    {
        var boxes = Boxes(Picture()).Select(b => b.Name).ToList();
        var projects = Projects().Keys.ToList();
        Assert.True(projects.Count >= 9, $"only {projects.Count} projects found under src/");
        var missing = projects.Except(boxes).ToList();
        Assert.True(missing.Count == 0, $"docs/architecture.svg has no box for {string.Join(", ", missing)}");
        Assert.Equal(boxes.Order(StringComparer.Ordinal), projects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_arrows_show_exactly_the_references_of_the_projects()
    {
        var picture = Picture();
        var boxes = Boxes(picture);
        var drawn = new List<(string From, string To)>();
        foreach (var edge in picture.Descendants(Svg + "path").Where(p => Classes(p).Contains("edge")))
        {
            var d = edge.Attribute("d")!.Value;
            var line = Line().Match(d);
            Assert.True(line.Success, $"an arrow is drawn as `M x y L x y`, not `{d}`");
            double At(int group) => double.Parse(line.Groups[group].Value, CultureInfo.InvariantCulture);
            var from = Assert.Single(boxes, b => b.Holds(At(1), At(2)));
            var to = Assert.Single(boxes, b => b.Holds(At(3), At(4)));
            Assert.NotEqual(from, to);
            drawn.Add((from.Name, to.Name));
        }

        var references = Projects();
        var real = Closure(references.SelectMany(p => p.Value.Select(r => (p.Key, r))));
        var pictured = Closure(drawn);
        var invented = drawn.Where(e => !real.Contains(e)).Select(e => $"{e.From} -> {e.To}").ToList();
        Assert.True(invented.Count == 0, $"docs/architecture.svg draws references that do not exist: {string.Join(", ", invented)}");
        var unshown = references.SelectMany(p => p.Value.Select(r => (p.Key, r))).Where(e => !pictured.Contains(e)).Select(e => $"{e.Key} -> {e.r}").ToList();
        Assert.True(unshown.Count == 0, $"docs/architecture.svg does not show these references (draw an arrow): {string.Join(", ", unshown)}");
    }

    /// <summary>Every (a, c) such that a reaches c along the edges.</summary>
    private static HashSet<(string, string)> Closure(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var reach = new HashSet<(string, string)>();
        foreach (var start in next.Keys)
        {
            var stack = new Stack<string>(next[start]);
            while (stack.TryPop(out var node))
            {
                if (!reach.Add((start, node))) continue;
                foreach (var further in next.GetValueOrDefault(node) ?? []) stack.Push(further);
            }
        }
        return reach;
    }

    private static double Number(XElement element, string attribute) =>
        double.Parse(element.Attribute(attribute)?.Value ?? throw new Xunit.Sdk.XunitException($"<{element.Name.LocalName}> without {attribute}"), CultureInfo.InvariantCulture);

    private static string[] Classes(XElement element) => (element.Attribute("class")?.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^\s*M\s*(-?[\d.]+)[\s,]+(-?[\d.]+)\s*L\s*(-?[\d.]+)[\s,]+(-?[\d.]+)\s*$")]
    private static partial Regex Line();
}
