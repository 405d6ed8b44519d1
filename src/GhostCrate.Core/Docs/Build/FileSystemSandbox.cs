namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// The file-system view of a sandboxed `cargo doc` (Docs:Build:Sandbox=namespace): a private mount namespace whose
/// root is an empty read-only tmpfs holding only the system directories and the toolchain, bound read-only, and the
/// build's own scratch directory, bound read-write at its own path (so CARGO_HOME, the sources and the target dir
/// keep their absolute paths). pivot_root then detaches the server's file system entirely, and the build runs as
/// nobody (65534) with no capabilities and no_new_privs: it cannot remount, chroot, make device nodes or become root
/// again, and what it can write is its scratch directory. /proc is a new one of the build's PID namespace.
/// See mount_namespaces(7), pivot_root(2), capabilities(7).
/// </summary>
public sealed record FileSystemSandbox(string Root, string Scratch, IReadOnlyList<string> ReadOnlyPaths)
{
    public const int NobodyId = 65534;

    /// <summary>What every build may read besides the toolchain: the system's programs and libraries and the few /etc files the loader, the C linker and getpwuid read (not /etc as a whole: it may hold the server's settings).</summary>
    public static readonly IReadOnlyList<string> SystemPaths =
    [
        "/usr", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/passwd", "/etc/group",
        "/etc/nsswitch.conf", "/etc/hosts", "/etc/localtime",
    ];

    /// <summary>
    /// Run by /bin/sh as root inside `unshare --mount --pid --net`; arguments: ROOT SCRATCH READ-ONLY-PATH... -- PROGRAM ARGS.
    /// The working directory (inside the scratch directory) is kept. Paths arrive as arguments, never inside the script.
    /// </summary>
    public const string Script =
        """
        set -eu
        build_path=$PATH
        PATH=/usr/sbin:/usr/bin:/sbin:/bin
        setpriv=$(command -v setpriv)
        work=$(pwd)
        root=$1; scratch=$2; shift 2
        # Nothing mounted here may propagate back to the server's mount namespace.
        mount --make-rprivate /
        chown -R 65534:65534 "$scratch"
        mount -t tmpfs -o mode=0755,size=1m,nosuid,nodev gc-docs-root "$root"
        ro() {
          if [ -d "$1" ]; then mkdir -p "$root$1"
          elif [ -e "$1" ]; then mkdir -p "$root$(dirname "$1")"; : > "$root$1"
          else return 0; fi
          mount --bind -o ro,nosuid,nodev "$1" "$root$1"
        }
        while [ "$1" != "--" ]; do ro "$1"; shift; done
        shift
        # /bin, /lib... are links into /usr on merged-/usr systems, real directories elsewhere.
        for l in bin sbin lib lib32 lib64 libx32; do
          if [ -L "/$l" ]; then ln -s "$(readlink "/$l")" "$root/$l"; elif [ -d "/$l" ]; then ro "/$l"; fi
        done
        mkdir -p "$root$scratch" && mount --bind -o nosuid,nodev "$scratch" "$root$scratch"
        mkdir -p "$root/tmp"
        mkdir "$root/proc" && mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
        mkdir "$root/dev"
        for n in null zero full random urandom; do : > "$root/dev/$n"; mount --bind "/dev/$n" "$root/dev/$n"; done
        ln -s /proc/self/fd "$root/dev/fd"; ln -s /proc/self/fd/0 "$root/dev/stdin"
        ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
        mkdir "$root/.old"
        mount -o remount,ro,bind "$root"
        cd "$root"
        pivot_root . .old
        umount -l /.old
        cd "$work"
        export PATH="$build_path"
        exec "$setpriv" --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@"
        """;

    /// <summary>The arguments after `unshare ... --`: the shell, its script and the script's arguments.</summary>
    public IEnumerable<string> Arguments()
    {
        yield return "/bin/sh";
        yield return "-c";
        yield return Script;
        yield return "ghostcrate-docs-sandbox";
        yield return Root;
        yield return Scratch;
        foreach (var path in ReadOnlyPaths) yield return path;
        yield return "--";
    }

    /// <summary>The directories a toolchain run needs: rustup's home and the folder of the cargo executable (and of what it links to).</summary>
    public static IEnumerable<string> ToolchainPaths(string cargo, string? rustupHome, string? path)
    {
        if (rustupHome is { Length: > 0 } && Directory.Exists(rustupHome)) yield return Path.GetFullPath(rustupHome);
        var executable = cargo.Contains('/', StringComparison.Ordinal)
            ? Path.GetFullPath(cargo)
            : (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, cargo)).FirstOrDefault(File.Exists);
        if (executable is null) yield break;
        yield return Path.GetDirectoryName(executable)!;
        if (File.ResolveLinkTarget(executable, returnFinalTarget: true) is { } target && Path.GetDirectoryName(target.FullName) is { } targetDir
            && targetDir != Path.GetDirectoryName(executable))
            yield return targetDir;
    }
}
