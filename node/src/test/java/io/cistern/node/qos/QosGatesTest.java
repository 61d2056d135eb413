package io.cistern.node.qos;

import io.cistern.actors.qos.QosBook;
import io.cistern.node.metrics.MetricsRegistry;
import io.cistern.node.volume.MemoryVolume;
import io.cistern.node.volume.VolumeCatalog;
import io.cistern.node.volume.VolumeIo;
import io.cistern.node.volume.VolumeStatus;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QosGatesTest
{
    private final MemoryVolume memory = new MemoryVolume(4 << 20);
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final QosGates gates = new QosGates(metrics);
    private final VolumeCatalog catalog = QosVolume.governed(new VolumeCatalog()
    {
        @Override
        public List<String> names()
        {
            return List.of(memory.name());
        }

        @Override
        public VolumeIo open(final String name, final String client)
        {
            return name.equals(memory.name()) ? memory : null;
        }

        @Override
        public void close(final String name, final String client, final VolumeIo volume)
        {
        }
    }, gates);

    private static QosBook.Allocation allocation(final int unit, final long volumeId, final double iops, final double bytes)
    {
        return new QosBook.Allocation(unit, new ArrayList<>(List.of(new QosBook.Gate(volumeId, "volume:x", iops, bytes))));
    }

    @Test
    void anIoCountsItsSizeInNormalisationUnitsRoundedUp()
    {
        assertEquals(1, gates.cost(0));
        assertEquals(1, gates.cost(4096));
        assertEquals(1, gates.cost(8192));
        assertEquals(2, gates.cost(8193));
        assertEquals(8, gates.cost(65536));
        gates.apply(new QosBook.Allocation(16384, new ArrayList<>()));
        assertEquals(4, gates.cost(65536));
    }

    @Test
    void aVolumeUnderALimitWaitsForItAndTheWaitIsCounted()
    {
        final AtomicInteger newVolumes = new AtomicInteger();
        gates.onNewVolume(newVolumes::incrementAndGet);
        final VolumeIo volume = catalog.open(memory.name(), "client-1");
        catalog.open(memory.name(), "client-2").toString();
        assertEquals(1, newVolumes.get(), "the governor is told once, at the first open");
        gates.apply(allocation(8192, memory.id(), 200, 0));

        final ByteBuffer block = ByteBuffer.allocate(8192);
        final long started = System.nanoTime();
        for (int i = 0; i < 40; i++)
        {
            assertEquals(VolumeStatus.OK, volume.read(i * 8192L, block.clear()));
        }
        final long elapsed = System.nanoTime() - started;
        // 40 I/Os at 200 per second, less the burst let through at once: at least 0.18 s, however fast the machine.
        final long least = (long)((40 - 200 * RateBucket.BURST_NANOS / 1e9) / 200 * 1e9);
        assertTrue(elapsed >= least, "40 reads took " + elapsed / 1e6 + " ms; a limit of 200 IOPS needs " + least / 1e6);

        final QosBook.VolumeUsage usage = gates.sample().get(0);
        assertEquals(40, usage.ios());
        assertEquals(40 * 8192, usage.bytes());
        assertTrue(usage.throttledNanos() > 0, usage.toString());
        assertTrue(usage.busyNanos() >= usage.throttledNanos(), usage.toString());
        assertEquals(40, metrics.volume(memory.name()).qosNormalizedIos.sum());
        assertEquals(200, metrics.volume(memory.name()).qosLimitIops.get());
    }

    @Test
    void aLargeIoCostsItsUnitsAndABandwidthLimitHoldsToo()
    {
        final VolumeIo volume = catalog.open(memory.name(), "client");
        gates.apply(allocation(8192, memory.id(), 800, 0));
        final ByteBuffer big = ByteBuffer.allocate(65536);
        final long started = System.nanoTime();
        for (int i = 0; i < 20; i++)
        {
            volume.write(i * 65536L, big.clear(), false);
        }
        // 20 x 8 = 160 normalised I/Os at 800 per second: at least 0.18 s.
        assertTrue(System.nanoTime() - started >= (long)((160 - 800 * RateBucket.BURST_NANOS / 1e9) / 800 * 1e9));
        assertEquals(160, gates.sample().get(0).ios());

        gates.apply(allocation(8192, memory.id(), 0, 4 << 20));
        final long again = System.nanoTime();
        for (int i = 0; i < 20; i++)
        {
            volume.read(i * 65536L, big.clear());
        }
        // 1.25 MiB at 4 MiB/s: at least 0.29 s.
        final double seconds = (20 * 65536 - (4 << 20) * RateBucket.BURST_NANOS / 1e9) / (4 << 20);
        assertTrue(System.nanoTime() - again >= (long)(seconds * 1e9));
    }

    @Test
    void aVolumeNoLongerOpenIsReportedOnceMoreThenDropped()
    {
        final VolumeIo volume = catalog.open(memory.name(), "client");
        gates.apply(allocation(8192, memory.id(), 0, 0));
        volume.read(0, ByteBuffer.allocate(512));
        catalog.close(memory.name(), "client", volume);
        final List<QosBook.VolumeUsage> last = gates.sample();
        assertEquals(1, last.size());
        assertEquals(0, last.get(0).throttledNanos(), "no limit: no wait");
        assertTrue(gates.sample().isEmpty());
        assertNull(gates.gate(memory.id()));
    }
}
