using System.Threading.Channels;

namespace Skyhook.Gateway.Discovery;

public sealed partial class DockerDiscovery
{
    /// <summary>One watched engine: its reader, the mark that asks for a read, and its last reading.</summary>
    private sealed class Engine(IEngineReader reader)
    {
        public IEngineReader Reader { get; } = reader;

        /// <summary>Holds at most one mark: marks made before the read starts are served by that read.</summary>
        public Channel<bool> Dirty { get; } = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });

        /// <summary>The last good view and whether the last read succeeded; null until the first read succeeds. Changed under the discovery's lock.</summary>
        public EngineReading? Reading { get; set; }

        /// <summary>Whether the last read failed (and was logged); only the read loop touches it.</summary>
        public bool Failing { get; set; }

        public void MarkDirty() => Dirty.Writer.TryWrite(true);
    }
}
