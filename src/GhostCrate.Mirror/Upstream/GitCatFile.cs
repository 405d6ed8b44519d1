using System.Diagnostics;
using System.Text;

namespace GhostCrate.Mirror.Upstream;

/// <summary>
/// One long-running `git cat-file --batch`: asking for thousands of index files costs one process, not thousands
/// (https://git-scm.com/docs/git-cat-file#_batch_output). Not thread-safe: use either <see cref="ReadAsync"/> (one
/// round trip per object, for a few pinned files) or <see cref="ReadManyAsync{T}"/> (pipelined, for a whole tree).
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
        return await ReadAnswerAsync(cancellationToken);
    }

    /// <summary>
    /// The id of the object <paramref name="objectName"/> names (such as `REF^{commit}`), or null when it names none;
    /// the object's content is skipped. One line to the running process instead of a `git rev-parse` process.
    /// </summary>
    public async Task<string?> ResolveAsync(string objectName, CancellationToken cancellationToken)
    {
        await _input.WriteLineAsync(objectName.AsMemory(), cancellationToken);
        if (await ReadHeaderAsync(cancellationToken) is not var (id, _, size)) return null;
        await SkipAsync(size + 1, cancellationToken);
        return id;
    }

    /// <summary>
    /// Many objects, answers in request order. Requests are written ahead of the answers (up to
    /// <paramref name="ahead"/>) by a second task: waiting for each answer before asking the next made a full sync spend
    /// most of its time on process round trips. Git answers in order, so a queue of tags pairs answers with requests.
    /// </summary>
    public async IAsyncEnumerable<(T Tag, byte[]? Content)> ReadManyAsync<T>(IAsyncEnumerable<(string ObjectName, T Tag)> requests, int ahead,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asked = System.Threading.Channels.Channel.CreateBounded<T>(ahead);
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (objectName, tag) in requests.WithCancellation(stop.Token))
                {
                    await asked.Writer.WriteAsync(tag, stop.Token);
                    await _input.WriteLineAsync(objectName.AsMemory(), stop.Token);
                }
                asked.Writer.Complete();
            }
            catch (Exception ex)
            {
                asked.Writer.Complete(ex);
            }
        }, stop.Token);
        try
        {
            await foreach (var tag in asked.Reader.ReadAllAsync(stop.Token))
            {
                yield return (tag, await ReadAnswerAsync(stop.Token));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<byte[]?> ReadAnswerAsync(CancellationToken cancellationToken)
    {
        if (await ReadHeaderAsync(cancellationToken) is not var (_, type, size)) return null;
        if (type != "blob")
        {
            await SkipAsync(size + 1, cancellationToken);
            return null;
        }
        var content = new byte[size];
        await _output.ReadExactlyAsync(content, cancellationToken);
        await SkipAsync(1, cancellationToken); // the LF after the contents
        return content;
    }

    /// <summary>`ID TYPE SIZE` of the next answer, or null for a name that is missing or ambiguous (no content follows).</summary>
    private async Task<(string Id, string Type, long Size)?> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var header = await ReadLineAsync(cancellationToken);
        if (header.EndsWith(" missing", StringComparison.Ordinal) || header.EndsWith(" ambiguous", StringComparison.Ordinal)) return null;
        var parts = header.Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[2], out var size))
            throw new MirrorException($"unexpected answer from `git cat-file --batch`: {header}");
        return (parts[0], parts[1], size);
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
