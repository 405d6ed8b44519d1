using System.Diagnostics;
using System.Text;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// One long-running `git cat-file --batch`: asking for thousands of index files costs one process, not thousands
/// (https://git-scm.com/docs/git-cat-file#_batch_output). Not thread-safe: the sync reads files one at a time.
/// </summary>
internal sealed class GitCatFile : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _output;
    private readonly StreamWriter _input;

    public GitCatFile(string gitDir)
    {
        var psi = GitCli.StartInfo(gitDir, ["cat-file", "--batch"]);
        _process = Process.Start(psi) ?? throw new MirrorException("could not start `git cat-file`");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _output = new BufferedStream(_process.StandardOutput.BaseStream, 64 * 1024);
        _input = _process.StandardInput;
        _input.AutoFlush = true;
        _input.NewLine = "\n";
    }

    /// <summary>The blob's bytes, or null when the object does not exist.</summary>
    public async Task<byte[]?> ReadAsync(string objectName, CancellationToken cancellationToken)
    {
        await _input.WriteLineAsync(objectName.AsMemory(), cancellationToken);
        var header = await ReadLineAsync(cancellationToken);
        if (header.EndsWith(" missing", StringComparison.Ordinal) || header.EndsWith(" ambiguous", StringComparison.Ordinal)) return null;
        var parts = header.Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[2], out var size))
            throw new MirrorException($"unexpected answer from `git cat-file --batch`: {header}");
        if (parts[1] != "blob")
        {
            await SkipAsync(size + 1, cancellationToken);
            return null;
        }
        var content = new byte[size];
        await _output.ReadExactlyAsync(content, cancellationToken);
        await SkipAsync(1, cancellationToken); // the LF after the contents
        return content;
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(count, 8192)];
        while (count > 0)
        {
            var read = await _output.ReadAsync(buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), cancellationToken);
            if (read == 0) throw new MirrorException("`git cat-file --batch` ended early");
            count -= read;
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(64);
        var one = new byte[1];
        while (true)
        {
            var read = await _output.ReadAsync(one, cancellationToken);
            if (read == 0) throw new MirrorException("`git cat-file --batch` ended early");
            if (one[0] == (byte)'\n') return Encoding.UTF8.GetString(bytes.ToArray());
            bytes.Add(one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _input.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
