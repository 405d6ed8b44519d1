using GhostCrate.Bench;

// ghostcrate-bench: the benchmark's helper verbs (see bench/README.md). Not a test: it prints numbers, never asserts.
//   generate      --out DIR --crates N [--seed 42] [--parallel 4]
//   etags         --base URL --paths FILE --out FILE [--limit 5000] [--token T]
//   warm          --base URL --paths FILE [--token T] [--parallel 8]
//   publish-load  --base URL --token T --seconds S [--concurrency 4] [--deps FILE] [--prefix P]
var options = Args.Parse(args.Skip(1).ToArray());
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
try
{
    return args.FirstOrDefault() switch
    {
        "generate" => await Generator.RunAsync(options, cancel.Token),
        "etags" => await ETagCollector.RunAsync(options, cancel.Token),
        "warm" => await Warm.RunAsync(options, cancel.Token),
        "publish-load" => await PublishLoad.RunAsync(options, cancel.Token),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"ghostcrate-bench: {ex.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: ghostcrate-bench generate|etags|warm|publish-load [--option value]... (see bench/README.md)");
    return 2;
}

namespace GhostCrate.Bench
{
    /// <summary>`--name value` pairs.</summary>
    public sealed class Args(Dictionary<string, string> values)
    {
        public static Args Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"expected --name value, got `{args[i]}`");
                values[args[i][2..]] = args[++i];
            }
            return new Args(values);
        }

        public string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        public string? Optional(string name) => values.GetValueOrDefault(name);
        public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
