using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NotebookRunner.Core;

/// <summary>
/// The runner's side of one notebook's kernel host process (<see cref="KernelHost"/>): starts it in the notebook's
/// folder, sends it cells over a Unix domain socket, collects the outputs it streams back, and notices when it dies
/// (exit code and stderr say why). The host runs in a process group of its own (<see cref="ProcessGroup"/>): a cell
/// that times out has the group and the process tree killed, and so does a runner that is stopped
/// (<see cref="KillAll"/>), a host that is disposed, and (the host excepted) a notebook that ends while its process
/// serves the next one (<see cref="EndNotebookProcesses"/>). Nothing the host prints on its stdout or stderr reaches the runner's output.
/// </summary>
internal sealed class KernelProcess : IDisposable
{
    private const int StderrTailBytes = 64 * 1024;
    private static readonly ConcurrentDictionary<KernelProcess, byte> Live = new();

    private readonly Process _process;
    private readonly int _processId;
    private readonly Socket _listener;
    private readonly string _socketDirectory;
    private readonly Task _exited;
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly StreamTail _stderr = new(StderrTailBytes);
    private volatile TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sendGate = new();
    private Socket? _connection;
    private BinaryWriter? _commands;
    private volatile CellRun? _current;
    private int _disposed;

    private KernelProcess(Process process, Socket listener, string socketDirectory)
    {
        _process = process;
        _processId = process.Id;
        _listener = listener;
        _socketDirectory = socketDirectory;
        _exited = process.WaitForExitAsync();
        _stdoutPump = DrainAsync(process.StandardOutput.BaseStream, null);
        _stderrPump = DrainAsync(process.StandardError.BaseStream, _stderr);
        _ = AcceptAsync();
    }

    /// <summary>The folder the kernel runs in (the notebook's).</summary>
    public required string WorkingDirectory { get; set; }

    /// <summary>Starts a kernel host whose working directory is <paramref name="workingDirectory"/>.</summary>
    public static KernelProcess Start(string workingDirectory)
    {
        var host = HostCommand();
        var socketDirectory = Directory.CreateTempSubdirectory("nbk-").FullName;
        var socketPath = Path.Combine(socketDirectory, "k");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(1);
            var start = new ProcessStartInfo(host.FileName)
            {
                WorkingDirectory = workingDirectory,
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment[KernelHost.RunnerVariable] = "1";
            foreach (var argument in host.Arguments)
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add(KernelHost.Mode);
            start.ArgumentList.Add(socketPath);
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the kernel host ({host.FileName}).");

            // A cell that reads Console.In gets end of input, not the runner's terminal.
            process.StandardInput.Close();
            var kernel = new KernelProcess(process, listener, socketDirectory) { WorkingDirectory = workingDirectory };
            Live[kernel] = 0;
            return kernel;
        }
        catch
        {
            listener.Dispose();
            TryDeleteDirectory(socketDirectory);
            throw;
        }
    }

    /// <summary>Kills every kernel host process of this runner, with their child processes (on Ctrl+C, at exit).</summary>
    public static void KillAll()
    {
        foreach (var kernel in Live.Keys)
            kernel.Kill();
    }

    /// <summary>Waits until the kernel is created and takes cells.</summary>
    /// <returns>Null when it is ready; otherwise why the process could not start.</returns>
    public async Task<string?> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var first = await Task.WhenAny(_ready.Task, _exited, _hungUp.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (first == _ready.Task)
            return null;
        if (first != _exited && first != _hungUp.Task)
        {
            Kill();
            return $"The kernel process did not start within {Seconds(timeout)} s.";
        }

        var (exitCode, stderr) = await DeathAsync().ConfigureAwait(false);
        return $"The kernel process ended before it was ready ({KernelDeath.Describe(exitCode, stderr)}).{KernelDeath.Detail(stderr)}";
    }

    /// <summary>
    /// Ends the kernel and starts a fresh one in <paramref name="workingDirectory"/> in the same process, for the next
    /// notebook: a fresh kernel, formatters as VS Code sets them, that folder as the working directory, and none of the
    /// start-up cost of a new process (the compiler and the kernel are already compiled).
    /// </summary>
    /// <returns>Null when the fresh kernel is ready; otherwise why not (the process is then dead or killed).</returns>
    public async Task<string?> ResetAsync(string workingDirectory, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkingDirectory = workingDirectory;
        if (!TrySend(KernelProtocol.Reset, workingDirectory))
        {
            var (exitCode, stderr) = await DeathAsync().ConfigureAwait(false);
            return $"The kernel process ended between notebooks ({KernelDeath.Describe(exitCode, stderr)}).{KernelDeath.Detail(stderr)}";
        }

        return await WaitUntilReadyAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Runs one cell.</summary>
    public async Task<(CellStatus Status, IReadOnlyList<NotebookOutput> Outputs, string? Error)> RunAsync(
        string code, TimeSpan timeout, GuidNormalizer normalizer, long maxStoredBytes = OutputCollector.MaxStoredBytes)
    {
        var run = new CellRun(new OutputCollector(normalizer, maxStoredBytes));
        _current = run;
        try
        {
            if (!_ready.Task.IsCompleted || _exited.IsCompleted || _hungUp.Task.IsCompleted || !TrySend(code))
                return await DiedAsync(run).ConfigureAwait(false);

            using var delay = new CancellationTokenSource();
            var timer = Task.Delay(timeout, delay.Token);
            var first = await Task.WhenAny(run.Done.Task, _exited, _hungUp.Task, timer).ConfigureAwait(false);
            delay.Cancel();
            if (first == run.Done.Task)
                return Finished(run);
            if (first == timer)
            {
                // The cell's code may still be running (an endless loop, a thread that prints): end all of it.
                Kill();
                var message = $"The cell did not finish within {Seconds(timeout)} s (the timeout per cell; change it with --timeout <seconds>); its kernel process was stopped.";
                run.Outputs.AddError("TimeoutError", message, fails: true);
                return (CellStatus.TimedOut, run.Outputs.Outputs, message);
            }

            return await DiedAsync(run).ConfigureAwait(false);
        }
        finally
        {
            _current = null;
        }
    }

    /// <summary>
    /// Kills every process the notebook's cells started (the host's process group, the host excepted), when the
    /// process serves the next notebook.
    /// </summary>
    public void EndNotebookProcesses()
    {
        if (!_exited.IsCompleted)
            ProcessGroup.KillMembersExcept(_processId, keep: _processId);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Live.TryRemove(this, out _);

        // Hanging up makes the host end itself; kill it (and whatever it started) if it has not within a moment.
        _connection?.Dispose();
        _listener.Dispose();
        if (!_exited.Wait(TimeSpan.FromSeconds(2)))
            Kill();
        _exited.Wait(TimeSpan.FromSeconds(5));

        // What the cells started outlives the host unless its process group is ended too.
        ProcessGroup.Kill(_processId);
        _process.Dispose();
        TryDeleteDirectory(_socketDirectory);
    }

    private static (CellStatus, IReadOnlyList<NotebookOutput>, string?) Finished(CellRun run)
    {
        var failure = run.Outputs.Failure ?? run.Done.Task.Result;
        return failure is null
            ? (CellStatus.Succeeded, run.Outputs.Outputs, null)
            : (CellStatus.Failed, run.Outputs.Outputs, failure);
    }

    private async Task<(CellStatus, IReadOnlyList<NotebookOutput>, string?)> DiedAsync(CellRun run)
    {
        var (exitCode, stderr) = await DeathAsync().ConfigureAwait(false);

        // The cell may have finished just before the process went (a background thread's exception, say): then it
        // succeeded, and the next cell finds the process gone.
        if (run.Done.Task.IsCompleted)
            return Finished(run);
        var message = $"The kernel process died ({KernelDeath.Describe(exitCode, stderr)}).{KernelDeath.Detail(stderr)}";
        run.Outputs.AddError("KernelDied", message, fails: true);
        return (CellStatus.KernelDied, run.Outputs.Outputs, message);
    }

    // Waits for the process to end (killing it if it only hung up), for the messages it sent before, and for its stderr.
    private async Task<(int ExitCode, string Stderr)> DeathAsync()
    {
        if (await Task.WhenAny(_exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false) != _exited)
            Kill();
        await Task.WhenAny(_exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(_hungUp.Task, _stderrPump), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        var exitCode = _process.HasExited ? _process.ExitCode : -1;
        return (exitCode, _stderr.Text);
    }

    private bool TrySend(string code) => TrySend(KernelProtocol.Run, code);

    private bool TrySend(byte type, string text)
    {
        try
        {
            lock (_sendGate)
            {
                _commands!.Write(type);
                _commands.Write(text);
                _commands.Flush();
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            return false;
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            var accept = _listener.AcceptAsync();
            if (await Task.WhenAny(accept, _exited).ConfigureAwait(false) != accept)
            {
                _hungUp.TrySetResult();
                return;
            }

            _connection = await accept.ConfigureAwait(false);
            _listener.Dispose();
            TryDeleteDirectory(_socketDirectory);
            var stream = new NetworkStream(_connection, ownsSocket: false);
            _commands = new BinaryWriter(stream, KernelProtocol.Utf8, leaveOpen: true);
            var reader = new Thread(() => ReadMessages(stream)) { IsBackground = true, Name = "kernel messages" };
            reader.Start();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _hungUp.TrySetResult();
        }
    }

    private void ReadMessages(Stream stream)
    {
        try
        {
            using var reader = new BinaryReader(new BufferedStream(stream, 1 << 16), KernelProtocol.Utf8, leaveOpen: false);
            while (true)
            {
                var type = reader.ReadByte();
                var outputs = _current?.Outputs;
                switch (type)
                {
                    case KernelProtocol.Ready:
                        _ready.TrySetResult();
                        break;
                    case KernelProtocol.Stream:
                        var name = reader.ReadString();
                        ReadStreamText(reader, outputs, name);
                        break;
                    case KernelProtocol.Display:
                        var displayId = KernelProtocol.ReadOptional(reader);
                        var display = KernelProtocol.ReadData(reader);
                        outputs?.AddDisplay(displayId, display);
                        break;
                    case KernelProtocol.Update:
                        var updateId = KernelProtocol.ReadOptional(reader);
                        var update = KernelProtocol.ReadData(reader);
                        outputs?.UpdateDisplay(updateId, update);
                        break;
                    case KernelProtocol.Result:
                        _ = KernelProtocol.ReadOptional(reader);
                        var result = KernelProtocol.ReadData(reader);
                        outputs?.AddResult(result);
                        break;
                    case KernelProtocol.Error:
                        var errorName = reader.ReadString();
                        var message = reader.ReadString();
                        var fails = reader.ReadBoolean();
                        outputs?.AddError(errorName, message, fails);
                        break;
                    case KernelProtocol.CellDone:
                        var failure = KernelProtocol.ReadOptional(reader);
                        _current?.Done.TrySetResult(failure);
                        break;
                    default:
                        throw new InvalidDataException($"Unknown kernel message type {type}.");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or InvalidDataException or SocketException)
        {
            // The host died or hung up (or, impossibly, sent garbage: then it is treated as dead).
        }
        finally
        {
            _hungUp.TrySetResult();
        }
    }

    // A stream message's text (a BinaryWriter string: its UTF-8 length, then the bytes), decoded and handed to the
    // collector a block at a time, so a cell that prints a billion characters at once never makes the runner hold
    // them as one string (the collector keeps what fits in the cell's budget).
    private static void ReadStreamText(BinaryReader reader, OutputCollector? outputs, string name)
    {
        int length = reader.Read7BitEncodedInt();
        if (length < 0)
            throw new InvalidDataException($"A kernel message claims a string of {length} bytes.");
        var decoder = KernelProtocol.Utf8.GetDecoder();
        var bytes = new byte[Math.Min(length, 1 << 16)];
        var chars = new char[KernelProtocol.Utf8.GetMaxCharCount(bytes.Length)];
        while (length > 0)
        {
            int read = reader.Read(bytes, 0, Math.Min(length, bytes.Length));
            if (read == 0)
                throw new EndOfStreamException();
            length -= read;
            int count = decoder.GetChars(bytes, 0, read, chars, 0, flush: length == 0);
            if (count > 0)
                outputs?.AddStream(name, chars.AsSpan(0, count));
        }
    }

    private void Kill()
    {
        try
        {
            ProcessGroup.Kill(_processId);
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private static async Task DrainAsync(Stream stream, StreamTail? tail)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                tail?.Append(buffer.AsSpan(0, read));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }
    }

    // How to start the kernel host: the runner's own executable (NotebookRunner.dll next to this library), through
    // the dotnet host of the runtime this process runs on.
    private static (string FileName, string[] Arguments) HostCommand()
    {
        var directory = Path.GetDirectoryName(typeof(KernelProcess).Assembly.Location) ?? AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "NotebookRunner.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"The kernel host {dll} is missing (reference tools/NotebookRunner from the project that runs notebooks).", dll);
        return (DotnetHost(), ["exec", dll]);
    }

    internal static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return current;

        // .../dotnet/shared/Microsoft.NETCore.App/<version>/ → .../dotnet/dotnet
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtime)));
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (root is not null && File.Exists(Path.Combine(root, name)))
            return Path.Combine(root, name);
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover empty temp folder is harmless.
        }
    }

    private sealed class CellRun(OutputCollector outputs)
    {
        public OutputCollector Outputs { get; } = outputs;

        public TaskCompletionSource<string?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
