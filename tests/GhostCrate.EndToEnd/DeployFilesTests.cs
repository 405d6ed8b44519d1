using System.Text.RegularExpressions;
using GhostCrate.Configuration;
using GhostCrate.EndToEnd.Infrastructure;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The deployment files under deploy/ that no test runs end to end here: the Kubernetes manifests rendered from the
/// Helm chart (helm and a cluster are not available: every YAML document is parsed and its probes, security context
/// and volumes asserted) and the systemd units (checked by systemd's own `systemd-analyze verify`). The settings each
/// deployment file hands GhostCrate (Compose with .env.example, the systemd env file, the rendered ConfigMap) go
/// through GhostCrate's own start-up validation, which refuses unknown keys and bad values.
/// </summary>
public sealed class DeployFilesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Deploy(params string[] parts) => Path.Combine([RepositoryRoot.Path, "deploy", .. parts]);

    [Fact]
    public void The_rendered_kubernetes_manifests_probe_health_run_as_non_root_and_write_only_to_volumes()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var documents = LoadYaml(Deploy("kubernetes", "ghostcrate.yaml"));
        var kinds = documents.Select(d => Scalar(d, "kind")).ToList();
        Assert.Equal(["ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment", "PodDisruptionBudget", "Ingress"], kinds);

        var deployment = documents.Single(d => Scalar(d, "kind") == "Deployment");
        var pod = Map(Map(Map(deployment, "spec"), "template"), "spec");
        Assert.Equal("ghostcrate", Scalar(pod, "serviceAccountName"));
        Assert.Equal("false", Scalar(pod, "automountServiceAccountToken"));
        Assert.Equal("true", Scalar(Map(pod, "securityContext"), "runAsNonRoot"));
        Assert.Equal("10001", Scalar(Map(pod, "securityContext"), "fsGroup"));

        var container = (YamlMappingNode)Seq(pod, "containers").Single();
        Assert.Equal("/health/live", Scalar(Map(Map(container, "livenessProbe"), "httpGet"), "path"));
        Assert.Equal("/health/ready", Scalar(Map(Map(container, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("/health/startup", Scalar(Map(Map(container, "startupProbe"), "httpGet"), "path"));
        var port = (YamlMappingNode)Seq(container, "ports").Single();
        Assert.Equal("8000", Scalar(port, "containerPort"));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            Assert.Equal(Scalar(port, "name"), Scalar(Map(Map(container, probe), "httpGet"), "port"));

        var security = Map(container, "securityContext");
        Assert.Equal("true", Scalar(security, "runAsNonRoot"));
        Assert.Equal("10001", Scalar(security, "runAsUser"));
        Assert.Equal("false", Scalar(security, "allowPrivilegeEscalation"));
        Assert.Equal("true", Scalar(security, "readOnlyRootFilesystem"));
        Assert.Equal(["ALL"], Seq(Map(security, "capabilities"), "drop").Select(n => ((YamlScalarNode)n).Value));
        Assert.NotNull(Map(container, "resources")["requests"]);

        // With a read-only root, every place GhostCrate writes is a volume: /data (its DataDir) and /tmp.
        var mounts = Seq(container, "volumeMounts").Cast<YamlMappingNode>().ToDictionary(m => Scalar(m, "mountPath"), m => Scalar(m, "name"));
        Assert.Equal("data", mounts["/data"]);
        Assert.Equal("tmp", mounts["/tmp"]);
        var volumes = Seq(pod, "volumes").Cast<YamlMappingNode>().ToDictionary(v => Scalar(v, "name"));
        Assert.Equal("ghostcrate-data", Scalar(Map(volumes["data"], "persistentVolumeClaim"), "claimName"));
        Assert.True(volumes["tmp"].Children.ContainsKey("emptyDir"));
        Assert.Contains(documents, d => Scalar(d, "kind") == "PersistentVolumeClaim" && Scalar(Map(d, "metadata"), "name") == "ghostcrate-data");

        // The server refuses 0.0.0.0 without a public URL: the ConfigMap the pod reads must carry one.
        var settings = Map(documents.Single(d => Scalar(d, "kind") == "ConfigMap"), "data");
        Assert.StartsWith("https://", Scalar(settings, "GHOSTCRATE_Registry__PublicUrl"));
        Assert.Equal("ghostcrate", Scalar((YamlMappingNode)Seq(container, "envFrom").Single(), "configMapRef", "name"));

        // The Service and Ingress lead to that port, the PDB selects the pods.
        var service = documents.Single(d => Scalar(d, "kind") == "Service");
        Assert.Equal("http", Scalar((YamlMappingNode)Seq(Map(service, "spec"), "ports").Single(), "targetPort"));
        var labels = Map(Map(Map(deployment, "spec"), "template"), "metadata")["labels"];
        Assert.Equal(labels, Map(Map(documents.Single(d => Scalar(d, "kind") == "PodDisruptionBudget"), "spec"), "selector")["matchLabels"]);
        Assert.Equal(labels, Map(service, "spec")["selector"]);
    }

    [Fact]
    public void The_helm_chart_templates_use_the_same_probes_and_security_context()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var templates = Deploy("helm", "ghostcrate", "templates");
        var deployment = File.ReadAllText(Path.Combine(templates, "deployment.yaml"));
        foreach (var path in new[] { "/health/live", "/health/ready", "/health/startup" }) Assert.Contains($"path: {path}", deployment);
        var helpers = File.ReadAllText(Path.Combine(templates, "_helpers.tpl"));
        Assert.Contains("readOnlyRootFilesystem: true", helpers);
        Assert.Contains("runAsNonRoot: true", helpers);
        foreach (var file in new[] { "deployment.yaml", "service.yaml", "ingress.yaml", "configmap.yaml", "pdb.yaml", "serviceaccount.yaml", "pvc.yaml", "migration-job.yaml" })
            Assert.True(File.Exists(Path.Combine(templates, file)), file);

        // Several replicas only on PostgreSQL + S3 without the ReadWriteOnce volume: the chart refuses the rest.
        Assert.Contains("{{- fail \"replicaCount > 1 needs settings.Database__Provider: Postgres, settings.Storage__Provider: S3 and persistence.enabled: false\" }}", deployment);

        // The migration Job: a pre-install/pre-upgrade hook running `ghostcrate migrate` as the same non-root,
        // read-only container. Hooks run before the chart's other objects exist, so it must not need the chart's
        // ServiceAccount (the pod would never be created on a first install).
        var job = File.ReadAllText(Path.Combine(templates, "migration-job.yaml"));
        Assert.Contains("helm.sh/hook: pre-install,pre-upgrade", job);
        Assert.Contains("- migrate", job);
        Assert.Contains("include \"ghostcrate.containerSecurityContext\"", job);
        var accountLine = job.Split('\n').Select((line, i) => (line, i)).Single(l => l.line.Contains("serviceAccountName:", StringComparison.Ordinal)).i;
        Assert.Contains("{{- if not .Values.serviceAccount.create }}", job.Split('\n')[accountLine - 1]);

        // values.yaml and Chart.yaml are plain YAML.
        Assert.Equal("ghostcrate", Scalar(LoadYaml(Deploy("helm", "ghostcrate", "Chart.yaml")).Single(), "name"));
        Assert.Equal("1", Scalar(LoadYaml(Deploy("helm", "ghostcrate", "values.yaml")).Single(), "replicaCount"));
    }

    [Fact]
    public async Task The_systemd_units_pass_systemd_analyze_verify_and_are_hardened()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null) Assert.Skip("systemd-analyze is not installed");

        var units = new[] { "ghostcrate.service", "ghostcrate-mirror-sync.service", "ghostcrate-mirror-sync.timer" };
        var work = TempDirs.Create("systemd");
        try
        {
            foreach (var unit in units)
            {
                // verify checks that ExecStart's program exists; the installed path is not on this machine.
                var text = await File.ReadAllTextAsync(Deploy("systemd", unit), Cancel);
                await File.WriteAllTextAsync(Path.Combine(work, unit), text.Replace("/usr/local/bin/ghostcrate", "/bin/true", StringComparison.Ordinal), Cancel);
            }
            var verify = await ProcessRunner.RunAsync(analyze, ["verify", .. units.Select(u => Path.Combine(work, u))], work, cancellationToken: Cancel);
            // verify exits 0 on unknown keys and bad values too: any output is a finding.
            Assert.True(verify.Succeeded && verify.StdOut.Trim().Length == 0 && verify.StdErr.Trim().Length == 0, verify.Describe());
        }
        finally
        {
            TempDirs.Delete(work);
        }

        var service = await File.ReadAllLinesAsync(Deploy("systemd", "ghostcrate.service"), Cancel);
        foreach (var line in new[] { "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/ghostcrate", "PrivateTmp=yes", "CapabilityBoundingSet=", "User=ghostcrate", "Restart=on-failure" })
            Assert.Contains(line, service);
        Assert.DoesNotContain(service, l => l.StartsWith("MemoryDenyWriteExecute=yes", StringComparison.Ordinal)); // .NET's JIT needs W+X pages
        Assert.Contains(service, l => l.StartsWith("ExecStart=/usr/local/bin/ghostcrate serve ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_workflow_compose_and_kubernetes_files_pass_yamllint()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var yamllint = new[] { "/usr/bin/yamllint", "/usr/local/bin/yamllint" }.FirstOrDefault(File.Exists);
        if (yamllint is null) Assert.Skip("yamllint is not installed (scripts/test.sh installs Debian's)");
        // .yamllint.yaml at the root holds the rules; --strict fails on warnings too.
        var lint = await ProcessRunner.RunAsync(yamllint, ["--strict", ".github", "deploy"], RepositoryRoot.Path, cancellationToken: Cancel);
        Assert.True(lint.Succeeded, lint.Describe());

        // Compose: secrets are files, never values in the environment.
        var compose = LoadYaml(Deploy("compose", "compose.yaml")).Single();
        foreach (var (name, service) in Map(compose, "services").Children)
        {
            if (!((YamlMappingNode)service).Children.TryGetValue(new YamlScalarNode("environment"), out var environment)) continue;
            foreach (var key in ((YamlMappingNode)environment).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!))
            {
                Assert.False((key.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase) || key.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
                    && !key.EndsWith("_FILE", StringComparison.Ordinal), $"{name}: {key} holds a secret in the environment");
            }
        }
        Assert.Equal(["ghostcrate", "migrate", "postgres", "minio", "nginx"], Map(compose, "services").Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value));
    }

    /// <summary>
    /// The secrets.json/ghostcrate.json docs/deploy.md tells users to write (placeholders for the values), with every
    /// optional secret: together with the non-secret settings it must be a valid configuration.
    /// </summary>
    private static readonly Dictionary<string, string?> ExampleSecrets = new()
    {
        ["Database:ConnectionString"] = "Host=postgres;Username=ghostcrate;Password=secret;Database=ghostcrate",
        ["Storage:S3:AccessKeyId"] = "ghostcrate",
        ["Storage:S3:SecretAccessKey"] = "secret-secret-secret",
        ["Metrics:BearerToken"] = "0123456789abcdef0123",
        ["Email:Password"] = "smtp-secret",
    };

    /// <summary>What the image sets (deploy/container/Containerfile's ENV), under every containerised deployment's settings.</summary>
    private static readonly Dictionary<string, string?> ImageSettings = new() { ["DataDir"] = "/data", ["Urls"] = "http://0.0.0.0:8000" };

    /// <summary>The settings a deployment should be able to turn on; each deployment file and docs/deploy.md name them.</summary>
    private static readonly string[] FeatureSettings = ["Backup:Schedule", "Backup:Target", "Email:Host", "Email:From", "Docs:Origin", "Metrics:BearerToken", "Telemetry:OtlpEndpoint", "Logs:Format"];

    [Fact]
    public void Compose_uses_exactly_the_variables_of_env_example_and_its_settings_pass_ghostcrates_checks()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var composeText = File.ReadAllText(Deploy("compose", "compose.yaml"));
        var example = ReadEnvFile(Deploy("compose", ".env.example"), includeCommented: false);

        // Every ${VARIABLE} of compose.yaml is listed (with its example value) in .env.example, and nothing else is.
        var used = Regex.Matches(composeText, @"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Empty(used.Except(example.Keys));
        Assert.Empty(example.Keys.Except(used));

        var compose = LoadYaml(Deploy("compose", "compose.yaml")).Single();
        var service = Map(Map(compose, "services"), "ghostcrate");
        var environment = Map(service, "environment").Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

        // As shipped (.env.example): valid, and the optional features are off.
        var shipped = AssertValid("compose + .env.example", Interpolate(environment, example), ImageSettings, ExampleSecrets);
        Assert.False(shipped.Email.Enabled);
        Assert.Null(shipped.Backup.ParsedSchedule());
        Assert.True(string.IsNullOrEmpty(shipped.Docs.Origin));
        Assert.True(string.IsNullOrEmpty(shipped.Telemetry.OtlpEndpoint));

        // Each optional feature turned on in .env reaches GhostCrate's settings, and the result is still valid.
        var on = new Dictionary<string, string>(example)
        {
            ["BACKUP_SCHEDULE"] = "0 3 * * *",
            ["SMTP_HOST"] = "smtp.example.com",
            ["SMTP_USER"] = "ghostcrate",
            ["DOCS_ORIGIN"] = "https://docs.crates.example.com",
            ["OTLP_ENDPOINT"] = "http://otel-collector:4318",
        };
        var enabled = AssertValid("compose + .env with every feature on", Interpolate(environment, on), ImageSettings, ExampleSecrets);
        Assert.True(enabled.Email.Enabled);
        Assert.NotNull(enabled.Backup.ParsedSchedule());
        Assert.Equal("/data/backups", enabled.Backup.Target);
        Assert.Equal("https://docs.crates.example.com", enabled.Docs.Origin);
        Assert.Equal("http://otel-collector:4318", enabled.Telemetry.OtlpEndpoint);
        Assert.Equal("0123456789abcdef0123", enabled.Metrics.BearerToken);
    }

    [Fact]
    public void The_systemd_env_file_and_each_of_its_examples_pass_ghostcrates_checks()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var file = Deploy("systemd", "ghostcrate.env");
        var unit = new Dictionary<string, string?> { ["DataDir"] = "/var/lib/ghostcrate" }; // ExecStart's --data-dir
        AssertValid("ghostcrate.env", ReadEnvFile(file, includeCommented: false), unit, new Dictionary<string, string?>());

        // Every commented example uncommented at once (PostgreSQL + S3 with the secrets.json of the file's header),
        // except the mirror, whose directory `ghostcrate mirror init` makes first.
        var all = ReadEnvFile(file, includeCommented: true).Where(e => !e.Key.StartsWith("GHOSTCRATE_Mirror__", StringComparison.Ordinal)).ToDictionary();
        var settings = AssertValid("ghostcrate.env with every example", all, unit, ExampleSecrets);
        Assert.True(settings.Email.Enabled);
        Assert.NotNull(settings.Backup.ParsedSchedule());
        Assert.StartsWith("/var/lib/ghostcrate/", settings.Backup.Target); // writable under ProtectSystem=strict
    }

    [Fact]
    public void The_rendered_configmap_passes_ghostcrates_checks_in_the_image()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var configMap = LoadYaml(Deploy("kubernetes", "ghostcrate.yaml")).Single(d => Scalar(d, "kind") == "ConfigMap");
        var data = Map(configMap, "data").Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");
        AssertValid("the rendered ConfigMap", data, ImageSettings, new Dictionary<string, string?>());
    }

    [Fact]
    public void Every_deployment_file_and_the_checklist_name_the_settings_a_deployment_sets()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("deploy files do not depend on the storage backends; checked in the sqlite lane");
        var files = new[]
        {
            Deploy("compose", "compose.yaml"), Deploy("compose", ".env.example"), Deploy("systemd", "ghostcrate.env"),
            Deploy("helm", "ghostcrate", "values.yaml"), Path.Combine(RepositoryRoot.Path, "docs", "deploy.md"),
        };
        var missing = new List<string>();
        foreach (var file in files)
        {
            // Compose keeps secrets in ghostcrate.json, which compose.yaml's comment shows; .env.example has the rest.
            var text = file.EndsWith(".env.example", StringComparison.Ordinal) ? File.ReadAllText(file) + File.ReadAllText(Deploy("compose", "compose.yaml")) : File.ReadAllText(file);
            foreach (var key in FeatureSettings)
            {
                var parts = key.Split(':');
                var forms = new[] { key, string.Join("__", parts), $"\"{parts[0]}\":{{\"{parts[1]}\"", $"\"{parts[0]}\": {{ \"{parts[1]}\"" };
                if (!forms.Any(f => text.Contains(f, StringComparison.Ordinal))) missing.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}: {key}");
            }
        }
        Assert.True(missing.Count == 0, "not mentioned:\n" + string.Join("\n", missing));
    }

    /// <summary>Loads GHOSTCRATE_* variables (plus lower layers) as the executable does, and fails with GhostCrate's own messages.</summary>
    private static GhostCrateSettings AssertValid(string what, IReadOnlyDictionary<string, string> environment, IReadOnlyDictionary<string, string?> below, IReadOnlyDictionary<string, string?> secrets)
    {
        var variables = new Dictionary<string, string?>();
        foreach (var (name, value) in environment)
        {
            Assert.True(name.StartsWith(ConfigurationFactory.EnvironmentPrefix, StringComparison.Ordinal), $"{what}: {name} is not a GHOSTCRATE_ setting");
            variables[name[ConfigurationFactory.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(below).AddInMemoryCollection(secrets).AddInMemoryCollection(variables).Build();
        var work = TempDirs.Create("deploy-settings");
        try
        {
            var (settings, errors) = GhostCrateSettings.Load(configuration, work);
            Assert.True(settings is not null, $"{what} is refused at start-up:\n{string.Join("\n", errors)}");
            return settings;
        }
        finally
        {
            TempDirs.Delete(work);
        }
    }

    /// <summary>KEY=VALUE lines of an env file (systemd EnvironmentFile, Compose .env); commented `#KEY=VALUE` lines too when asked.</summary>
    private static Dictionary<string, string> ReadEnvFile(string file, bool includeCommented)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            if (line.StartsWith('#'))
            {
                if (!includeCommented) continue;
                line = line[1..];
                if (!Regex.IsMatch(line, "^[A-Za-z_][A-Za-z0-9_]*=")) continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            result[line[..eq]] = line[(eq + 1)..].Trim('"');
        }
        return result;
    }

    /// <summary>Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error} from an .env file.</summary>
    private static Dictionary<string, string> Interpolate(Dictionary<string, string> environment, Dictionary<string, string> dotenv) =>
        environment.ToDictionary(e => e.Key, e => Regex.Replace(e.Value, @"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}", m =>
        {
            var value = dotenv.GetValueOrDefault(m.Groups[1].Value);
            if (!string.IsNullOrEmpty(value)) return value;
            Assert.False(m.Groups[2].Value == ":?", $"{e.Key}: {m.Groups[1].Value} must be set ({m.Groups[3].Value})");
            return m.Groups[2].Value == ":-" ? m.Groups[3].Value : "";
        }));

    private static List<YamlMappingNode> LoadYaml(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file)) stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (YamlMappingNode)child : throw new Xunit.Sdk.XunitException($"no `{key}` in {node}");

    private static YamlSequenceNode Seq(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (YamlSequenceNode)child : throw new Xunit.Sdk.XunitException($"no `{key}` in {node}");

    private static string Scalar(YamlMappingNode node, params string[] path)
    {
        for (var i = 0; i < path.Length - 1; i++) node = Map(node, path[i]);
        return node.Children.TryGetValue(new YamlScalarNode(path[^1]), out var child) && child is YamlScalarNode scalar
            ? scalar.Value ?? ""
            : throw new Xunit.Sdk.XunitException($"no scalar `{path[^1]}` in {node}");
    }
}
