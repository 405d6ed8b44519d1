using GhostCrate.EndToEnd.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The deployment files under deploy/ that no test runs end to end here: the Kubernetes manifests rendered from the
/// Helm chart (helm and a cluster are not available: every YAML document is parsed and its probes, security context
/// and volumes asserted) and the systemd units (checked by systemd's own `systemd-analyze verify`).
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
