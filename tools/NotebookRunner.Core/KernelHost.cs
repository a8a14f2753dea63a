using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace NotebookRunner.Core;

/// <summary>
/// The kernel host: the hidden mode of the runner's executable (<c>NotebookRunner __kernel-host &lt;socket&gt;</c>) in
/// which one notebook's kernel runs, in a process of its own, as Jupyter runs kernels. Whatever a cell does —
/// <c>Environment.Exit</c>, a stack overflow, an exception on a background thread, writing to the process's real
/// stdout — stays in this process: the runner talks to it over a Unix domain socket only (see
/// <see cref="KernelProtocol"/>), and notices when it dies. When the runner closes the socket or goes away, the host
/// ends at once, whatever the cell is doing.
/// </summary>
public static class KernelHost
{
    /// <summary>The first command-line argument that selects the kernel host mode.</summary>
    public const string Mode = "__kernel-host";

    /// <summary>
    /// The environment variable the runner sets to <c>1</c> for every kernel host process it starts: it tells the
    /// course library (<c>AttentionNotebooks.Interactive.NotebookSetup.RunnerVariable</c>, the same name) and
    /// notebooks/setup.csx that the outputs will be committed, so charts stay static SVG and text.
    /// </summary>
    public const string RunnerVariable = "ATTENTION_NOTEBOOKS_RUNNER";

    /// <summary>Runs the kernel host until the runner closes the connection.</summary>
    /// <param name="socketPath">The Unix domain socket the runner listens on.</param>
    /// <returns>The process exit code (the host normally ends by killing itself when the runner hangs up).</returns>
    public static async Task<int> RunAsync(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);

        // A process group of its own, before any cell runs: the runner ends every process a cell starts with it.
        ProcessGroup.BecomeLeader();
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var writer = new KernelHostWriter(stream);
        var commands = Channel.CreateUnbounded<(byte Type, string Text)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        // Commands are read on a thread of their own, so that the host notices the runner hanging up even while a
        // cell runs (a cell in an endless loop, say) and ends then.
        var reader = new Thread(() => ReadCommands(stream, commands.Writer)) { IsBackground = true, Name = "kernel-host commands" };
        reader.Start();

        await KernelSession.WarmUpAsync().ConfigureAwait(false);
        var session = KernelSession.Start();
        writer.Ready();
        await foreach (var (type, text) in commands.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (type == KernelProtocol.Reset)
            {
                // The next notebook: a fresh kernel (and formatters) in its folder; what the runtime has compiled stays.
                session.Dispose();
                Directory.SetCurrentDirectory(text);
                session = KernelSession.Start();
                writer.Ready();
                continue;
            }

            var failure = await session.RunAsync(text, writer).ConfigureAwait(false);
            writer.CellDone(failure);
        }

        EndNow();
        return 0;
    }

    private static void ReadCommands(Stream stream, ChannelWriter<(byte Type, string Text)> commands)
    {
        try
        {
            using var reader = new BinaryReader(stream, KernelProtocol.Utf8, leaveOpen: true);
            while (true)
            {
                var type = reader.ReadByte();
                if (type is not (KernelProtocol.Run or KernelProtocol.Reset))
                    break;
                commands.TryWrite((type, reader.ReadString()));
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException)
        {
            // The runner hung up.
        }

        EndNow();
    }

    /// <summary>Ends the process at once: no kernel disposal, no waiting for a cell's threads.</summary>
    internal static void EndNow()
    {
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}

/// <summary>Sends the host's messages to the runner; safe to call from any thread (kernel events come from several).</summary>
internal sealed class KernelHostWriter
{
    private readonly Lock _gate = new();
    private readonly BinaryWriter _writer;

    public KernelHostWriter(Stream stream) =>
        _writer = new BinaryWriter(new BufferedStream(stream, 1 << 16), KernelProtocol.Utf8, leaveOpen: false);

    public void Ready() => Send(w => w.Write(KernelProtocol.Ready));

    public void Stream(string name, string text) => Send(w =>
    {
        w.Write(KernelProtocol.Stream);
        w.Write(name);
        w.Write(text);
    });

    public void Data(byte type, string? valueId, IReadOnlyCollection<KeyValuePair<string, string>> data) => Send(w =>
    {
        w.Write(type);
        KernelProtocol.WriteOptional(w, valueId);
        KernelProtocol.WriteData(w, data);
    });

    public void Error(string name, string message, bool fails) => Send(w =>
    {
        w.Write(KernelProtocol.Error);
        w.Write(name);
        w.Write(message);
        w.Write(fails);
    });

    public void CellDone(string? failure) => Send(w =>
    {
        w.Write(KernelProtocol.CellDone);
        KernelProtocol.WriteOptional(w, failure);
    });

    private void Send(Action<BinaryWriter> write)
    {
        try
        {
            lock (_gate)
            {
                write(_writer);
                _writer.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The runner is gone: nobody is left to report to.
            KernelHost.EndNow();
        }
    }
}
