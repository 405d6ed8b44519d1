using System.Text;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// A build's output kept within a byte budget: the first half of the budget from the start (what cargo did first)
/// and the second half from the end (where the error is), with a line saying how much was left out between.
/// Thread-safe: stdout and stderr are appended from two readers.
/// </summary>
public sealed class CappedLog(int maxBytes)
{
    private readonly object _gate = new();
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private readonly int _half = maxBytes / 2;
    private int _headBytes;
    private int _tailBytes;
    private long _omitted;

    public void Line(string line)
    {
        var bytes = Encoding.UTF8.GetByteCount(line) + 1;
        lock (_gate)
        {
            if (_tail.Count == 0 && _headBytes + bytes <= _half)
            {
                _head.Append(line).Append('\n');
                _headBytes += bytes;
                return;
            }
            if (bytes > _half)
            {
                // One enormous line: keep its end.
                line = line[^Math.Min(line.Length, _half / 4)..];
                bytes = Encoding.UTF8.GetByteCount(line) + 1;
            }
            _tail.Enqueue(line);
            _tailBytes += bytes;
            while (_tailBytes > _half && _tail.Count > 1)
            {
                var dropped = _tail.Dequeue();
                var droppedBytes = Encoding.UTF8.GetByteCount(dropped) + 1;
                _tailBytes -= droppedBytes;
                _omitted += droppedBytes;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = new StringBuilder(_head.ToString());
            if (_omitted > 0) text.Append("[... ").Append(_omitted).Append(" bytes of output left out ...]\n");
            foreach (var line in _tail) text.Append(line).Append('\n');
            return text.ToString();
        }
    }
}
