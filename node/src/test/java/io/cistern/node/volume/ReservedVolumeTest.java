package io.cistern.node.volume;

import io.cistern.actors.reservation.Nexus;
import io.cistern.actors.reservation.Outcome;
import io.cistern.actors.reservation.PrOut;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An NBD client meets a persistent reservation as an unregistered initiator does. */
class ReservedVolumeTest
{
    private static final Nexus HOLDER = new Nexus("iqn.2026-12.io.cistern.test:holder,i,0x800000000001", 1);

    private final MemoryVolume memory = new MemoryVolume(1 << 16);
    private final LocalReservations reservations = new LocalReservations();
    private final VolumeCatalog catalog = ReservedVolume.guarded(new VolumeCatalog()
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
            assertEquals(memory, volume, "the catalog gets back the volume it opened");
        }
    }, reservations);

    private void reserve(final int type)
    {
        assertEquals(Outcome.GOOD, reservations.apply(memory.id(), new PrOut(HOLDER, PrOut.REGISTER, 0, 0, 0, 0xaaaa, false, false)).outcome());
        assertEquals(Outcome.GOOD, reservations.apply(memory.id(), new PrOut(HOLDER, PrOut.RESERVE, 0, type, 0xaaaa, 0, false, false)).outcome());
    }

    @Test
    void unreservedEverythingPasses()
    {
        final VolumeIo nbd = catalog.open(memory.name(), "nbd client");
        assertEquals(VolumeStatus.OK, nbd.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}), false));
        assertEquals(VolumeStatus.OK, nbd.read(0, ByteBuffer.allocate(3)));
        assertEquals(VolumeStatus.OK, nbd.flush());
        catalog.close(memory.name(), "nbd client", nbd);
    }

    @Test
    void writeExclusiveRefusesWritesAndLetsReadsThrough()
    {
        final VolumeIo nbd = catalog.open(memory.name(), "nbd client");
        memory.bytes[7] = 42;
        reserve(5); // Write Exclusive - Registrants Only
        assertEquals(VolumeStatus.RESERVED, nbd.write(0, ByteBuffer.wrap(new byte[] {1}), false));
        assertEquals(VolumeStatus.RESERVED, nbd.writeZeroes(0, 512, false));
        assertEquals(VolumeStatus.RESERVED, nbd.trim(0, 512, false));
        assertEquals(VolumeStatus.RESERVED, nbd.flush());
        assertEquals(VolumeStatus.RESERVED, nbd.concurrentView().write(0, ByteBuffer.wrap(new byte[] {1}), false));
        assertEquals(0, memory.bytes[0], "nothing was written");
        final ByteBuffer read = ByteBuffer.allocate(8);
        assertEquals(VolumeStatus.OK, nbd.read(0, read));
        assertEquals(42, read.get(7));
    }

    @Test
    void exclusiveAccessRefusesReadsTooUntilReleased()
    {
        final VolumeIo nbd = catalog.open(memory.name(), "nbd client");
        reserve(3); // Exclusive Access
        assertEquals(VolumeStatus.RESERVED, nbd.read(0, ByteBuffer.allocate(8)));
        assertEquals(Outcome.GOOD, reservations.apply(memory.id(), new PrOut(HOLDER, PrOut.RELEASE, 0, 3, 0xaaaa, 0, false, false)).outcome());
        assertEquals(VolumeStatus.OK, nbd.read(0, ByteBuffer.allocate(8)));
        assertEquals(VolumeStatus.OK, nbd.write(0, ByteBuffer.wrap(new byte[] {9}), false));
        assertEquals(9, memory.bytes[0]);
    }
}
