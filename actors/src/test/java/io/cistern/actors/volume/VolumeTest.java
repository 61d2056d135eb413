package io.cistern.actors.volume;

import io.cistern.actors.placement.Resiliency;
import io.cistern.config.FaultDomainLevel;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestKitJUnit5Extension.class)
class VolumeTest
{
    private static final long GIB = 1L << 30;

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(EventSourcedBehaviorTestKit.config()).build();

    private EventSourcedBehaviorTestKit<Volume.Command, Volume.Event, Volume.State> volume;

    @BeforeEach
    void setUp()
    {
        volume = EventSourcedBehaviorTestKit.create(testKit.system(),
            Volume.create("vol1", Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC)));
        volume.clear();
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Volume.Command, Volume.Event, Volume.State, StatusReply<VolumeInfo>>
        create(final long size)
    {
        return volume.runCommand(replyTo ->
            new Volume.Create(size, Resiliency.MIRROR_3, Provisioning.THIN, 256L << 20, FaultDomainLevel.NODE, replyTo));
    }

    private EventSourcedBehaviorTestKit.CommandResultWithReply<Volume.Command, Volume.Event, Volume.State, StatusReply<VolumeInfo>>
        run(final java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<VolumeInfo>>, Volume.Command> command)
    {
        return volume.runCommand(command::apply);
    }

    @Test
    void createsAVolume()
    {
        final var result = create(10 * GIB);
        final VolumeInfo info = result.reply().getValue();
        assertEquals("vol1", info.name());
        assertEquals(10 * GIB, info.sizeBytes());
        assertEquals(40, info.slabCount());
        assertTrue(info.volumeId() > 0);
        assertEquals(new Volume.Created(info), result.event());
    }

    @Test
    void refusesADuplicateName()
    {
        create(GIB);
        final var again = create(2 * GIB);
        assertTrue(again.hasNoEvents());
        assertEquals("a volume named vol1 already exists", again.reply().getError().getMessage());
        assertEquals(GIB, ((Volume.Live)again.state()).info().sizeBytes());
    }

    @Test
    void refusesSizesThatAreNotWholeBlocks()
    {
        assertEquals("size 1000 is not a whole number of 4096-byte blocks", create(1000).reply().getError().getMessage());
        assertEquals("size must be positive", create(0).reply().getError().getMessage());
    }

    @Test
    void growsButNeverShrinks()
    {
        create(GIB);
        final var grown = run(r -> new Volume.Resize(3 * GIB, r));
        assertEquals(new Volume.Resized(3 * GIB), grown.event());
        assertEquals(12, grown.reply().getValue().slabCount());

        final var shrink = run(r -> new Volume.Resize(GIB, r));
        assertTrue(shrink.hasNoEvents());
        assertEquals("volume vol1 is 3.0 GiB; it can only grow (asked for 1.0 GiB)", shrink.reply().getError().getMessage());
    }

    @Test
    void refusesDeleteWhileAttachedUnlessForced()
    {
        create(GIB);
        run(r -> new Volume.Attach("nbd@node-1#7", r));
        final var refused = run(r -> new Volume.Delete(false, r));
        assertTrue(refused.hasNoEvents());
        assertEquals("volume vol1 is attached by [nbd@node-1#7]; detach the clients first or delete with force",
            refused.reply().getError().getMessage());

        final var forced = run(r -> new Volume.Delete(true, r));
        assertInstanceOf(Volume.Deleted.class, forced.event());
        assertInstanceOf(Volume.Absent.class, forced.state());
    }

    @Test
    void deletesADetachedVolumeAndFreesItsName()
    {
        create(GIB);
        run(r -> new Volume.Attach("c1", r));
        run(r -> new Volume.Detach("c1", r));
        assertEquals(List.of(), run(Volume.Get::new).reply().getValue().attachments());
        assertInstanceOf(Volume.Deleted.class, run(r -> new Volume.Delete(false, r)).event());
        assertEquals("no volume named vol1", run(Volume.Get::new).reply().getError().getMessage());
        assertTrue(create(GIB).reply().isSuccess(), "the name can be used again");
    }

    @Test
    void survivesARestart()
    {
        create(GIB);
        run(r -> new Volume.Attach("c1", r));
        final var restarted = volume.restart();
        assertEquals(List.of("c1"), ((Volume.Live)restarted.state()).info().attachments());
    }
}
