package io.cistern.actors.serialization;

import io.cistern.actors.Samples;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.qos.QosBook;
import io.cistern.actors.qos.QosPolicy;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Provisioning;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.FaultDomainLevel;
import io.cistern.config.MediaType;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every registered class round-trips through the serializer Pekko picks for it: a failure inside Artery would only be a log line. */
@ExtendWith(TestKitJUnit5Extension.class)
class KryoSerializerTest
{
    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private Map<Class<?>, List<Object>> samples()
    {
        final ActorRef<Object> ref = testKit.createTestProbe().ref();
        final DriveInfo info = Samples.driveInfo("6b1f0c2e-0000-4000-8000-000000000001", "node-2");
        final DriveStatus status = Samples.status(info, 42L, DriveHealth.LOST_COMMUNICATION);
        final Map<Class<?>, List<Object>> samples = new HashMap<>();
        samples.put(MediaType.class, List.of(MediaType.NVME, MediaType.PMEM));
        samples.put(DriveHealth.class, List.of(DriveHealth.values()));
        samples.put(DriveInfo.class, List.of(info));
        samples.put(DriveStatus.class, List.of(status));
        samples.put(Drive.Register.class, List.of(new Drive.Register(info, 7L, ref.unsafeUpcast())));
        samples.put(Drive.ReportLostCommunication.class, List.of(new Drive.ReportLostCommunication(7L, "node-2 left", ref.unsafeUpcast())));
        samples.put(Drive.GetStatus.class, List.of(new Drive.GetStatus(ref.unsafeUpcast())));
        samples.put(Drive.DriveReport.class, List.of(new Drive.DriveReport(status, "pekko://cistern@127.0.0.1:1")));
        samples.put(Drive.Registered.class, List.of(new Drive.Registered(info, 7L, 123L)));
        samples.put(Drive.CommunicationLost.class, List.of(new Drive.CommunicationLost(7L, "gone", 124L)));
        samples.put(Drive.ReportFailed.class, List.of(new Drive.ReportFailed(7L, "probe failed", ref.unsafeUpcast())));
        samples.put(Drive.Retire.class, List.of(new Drive.Retire("replacing it", ref.unsafeUpcast())));
        samples.put(Drive.Failed.class, List.of(new Drive.Failed(7L, "probe failed", 125L)));
        samples.put(Drive.Retired.class, List.of(new Drive.Retired("replacing it", 126L)));
        samples.put(Drive.Unregistered.class, List.of(new Drive.Unregistered()));
        samples.put(Drive.Known.class, List.of(new Drive.Known(status)));

        final VolumeInfo volume = new VolumeInfo("vol1", 42L, 1L << 30, Resiliency.MIRROR_3, Provisioning.THIN, 256L << 20,
            FaultDomainLevel.NODE, 5L, new ArrayList<>(List.of("nbd-1")));
        final Extent extent = new Extent(0, "d1", "node-1", ExtentState.IN_SYNC);
        final SlabLayout layout = new SlabLayout(42L, 3, 7L, 256L << 20, new ArrayList<>(List.of(extent)));
        final ActorRef<org.apache.pekko.pattern.StatusReply<VolumeInfo>> volumeReply = ref.unsafeUpcast();
        final ActorRef<org.apache.pekko.pattern.StatusReply<SlabLayout>> slabReply = ref.unsafeUpcast();
        samples.put(ArrayList.class, List.of(new ArrayList<>(List.of("a", "b"))));
        samples.put(Resiliency.class, List.of(Resiliency.values()));
        samples.put(FaultDomainLevel.class, List.of(FaultDomainLevel.values()));
        samples.put(Provisioning.class, List.of(Provisioning.values()));
        samples.put(ExtentState.class, List.of(ExtentState.values()));
        samples.put(Extent.class, List.of(extent));
        samples.put(VolumeInfo.class, List.of(volume));
        samples.put(SlabLayout.class, List.of(layout));
        samples.put(Volume.Create.class, List.of(new Volume.Create(1L << 30, Resiliency.MIRROR_2, Provisioning.FIXED, 1L << 20,
            FaultDomainLevel.DRIVE, volumeReply)));
        samples.put(Volume.Resize.class, List.of(new Volume.Resize(2L << 30, volumeReply)));
        samples.put(Volume.Attach.class, List.of(new Volume.Attach("nbd-1", volumeReply)));
        samples.put(Volume.Detach.class, List.of(new Volume.Detach("nbd-1", volumeReply)));
        samples.put(Volume.Delete.class, List.of(new Volume.Delete(true, volumeReply)));
        samples.put(Volume.Get.class, List.of(new Volume.Get(volumeReply)));
        samples.put(Volume.Created.class, List.of(new Volume.Created(volume)));
        samples.put(Volume.Resized.class, List.of(new Volume.Resized(2L << 30)));
        samples.put(Volume.Attached.class, List.of(new Volume.Attached("nbd-1")));
        samples.put(Volume.Detached.class, List.of(new Volume.Detached("nbd-1")));
        samples.put(Volume.Deleted.class, List.of(new Volume.Deleted(9L)));
        samples.put(Volume.Absent.class, List.of(new Volume.Absent()));
        samples.put(Volume.Live.class, List.of(new Volume.Live(volume)));
        samples.put(Slab.Place.class, List.of(new Slab.Place(42L, 3, 1L << 20, new ArrayList<>(List.of(extent)), slabReply)));
        samples.put(Slab.GetLayout.class, List.of(new Slab.GetLayout(slabReply)));
        samples.put(Slab.Free.class, List.of(new Slab.Free(slabReply)));
        samples.put(Slab.Placed.class, List.of(new Slab.Placed(layout)));
        samples.put(Slab.Freed.class, List.of(new Slab.Freed(42L, 3)));
        samples.put(Slab.Unplaced.class, List.of(new Slab.Unplaced()));
        samples.put(Slab.Gone.class, List.of(new Slab.Gone()));
        final Slab.DirtyRange dirty = new Slab.DirtyRange(1, 8192, 4096);
        samples.put(Slab.Active.class, List.of(new Slab.Active(layout), new Slab.Active(layout, new ArrayList<>(List.of(dirty))),
            new Slab.Active(layout, new ArrayList<>(List.of(dirty)), new ArrayList<>(List.of(new Slab.Moving(1, Slab.REBALANCE))),
                new ArrayList<>(List.of(new Slab.Progress(1, 7, 8L << 20))), new ArrayList<>(List.of(new Slab.Incoming(3, 1))))));
        samples.put(Slab.Incoming.class, List.of(new Slab.Incoming(3, 0)));
        samples.put(Slab.CopyAdded.class, List.of(new Slab.CopyAdded(3, "d9", "node-4", Slab.REBALANCE, 1)));
        samples.put(Slab.Handover.class, List.of(new Slab.Handover(1, "d3", "d9", "node-4", Slab.REBALANCE, slabReply)));
        samples.put(Slab.Checkpoint.class, List.of(new Slab.Checkpoint(1, 7, 4L << 20, ref.unsafeUpcast())));
        samples.put(Slab.Progress.class, List.of(new Slab.Progress(2, 5, 0)));
        samples.put(Slab.Checkpointed.class, List.of(new Slab.Checkpointed(1, 7, 4L << 20)));
        samples.put(Slab.Moving.class, List.of(new Slab.Moving(2, Slab.REBUILD)));
        final io.cistern.actors.health.HealthMonitor.Fault fault = new io.cistern.actors.health.HealthMonitor.Fault("CRITICAL",
            "DRIVE_FAILED", "drive 6b1f (node-2, /d)", "failed: probe write failed", 127L);
        samples.put(io.cistern.actors.health.HealthMonitor.GetFaults.class,
            List.of(new io.cistern.actors.health.HealthMonitor.GetFaults(ref.unsafeUpcast())));
        samples.put(io.cistern.actors.health.HealthMonitor.Fault.class, List.of(fault));
        samples.put(io.cistern.actors.health.HealthMonitor.Optimize.class,
            List.of(new io.cistern.actors.health.HealthMonitor.Optimize(ref.unsafeUpcast())));
        samples.put(io.cistern.actors.repair.Optimized.class,
            List.of(new io.cistern.actors.repair.Optimized(12.5, 2, "moving 2 copy(ies) to emptier drives")));
        samples.put(io.cistern.actors.health.HealthMonitor.Faults.class,
            List.of(new io.cistern.actors.health.HealthMonitor.Faults(new ArrayList<>(List.of(fault)))));
        samples.put(Slab.MarkStale.class, List.of(new Slab.MarkStale(0b010, 8192, 4096, slabReply)));
        samples.put(Slab.MarkedStale.class, List.of(new Slab.MarkedStale(0b010, 8192, 4096)));
        samples.put(Slab.DirtyRange.class, List.of(dirty));
        samples.put(Slab.BeginResync.class, List.of(new Slab.BeginResync(1, ref.unsafeUpcast())));
        samples.put(Slab.EndResync.class, List.of(new Slab.EndResync(1, slabReply)));
        samples.put(Slab.Resync.class, List.of(new Slab.Resync(layout, new ArrayList<>(List.of(dirty)), Slab.RESYNC, 7, 4L << 20)));
        samples.put(Slab.ResyncStarted.class, List.of(new Slab.ResyncStarted(1)));
        samples.put(Slab.ResyncFinished.class, List.of(new Slab.ResyncFinished(1)));
        samples.put(Slab.Replace.class, List.of(new Slab.Replace(1, "d3", "d9", "node-4", Slab.REBUILD, slabReply)));
        samples.put(Slab.ExtentReplaced.class, List.of(new Slab.ExtentReplaced(1, "d9", "node-4", Slab.REBALANCE)));

        final io.cistern.actors.reservation.Nexus nexus = new io.cistern.actors.reservation.Nexus("iqn.2026-12.test:a,i,0x80", 2);
        final io.cistern.actors.reservation.Registration registration = new io.cistern.actors.reservation.Registration(nexus, 0xabcL);
        final io.cistern.actors.reservation.ReservationState reservations = new io.cistern.actors.reservation.ReservationState(3, 2,
            new ArrayList<>(List.of(registration)), nexus, io.cistern.actors.reservation.ReservationState.WRITE_EXCLUSIVE, true);
        final io.cistern.actors.reservation.PrOut prOut = new io.cistern.actors.reservation.PrOut(nexus,
            io.cistern.actors.reservation.PrOut.PREEMPT_AND_ABORT, 0, 5, 0xabcL, 0xdefL, false, true);
        samples.put(io.cistern.actors.reservation.Nexus.class, List.of(nexus));
        samples.put(io.cistern.actors.reservation.Registration.class, List.of(registration));
        samples.put(io.cistern.actors.reservation.ReservationState.class,
            List.of(reservations, io.cistern.actors.reservation.ReservationState.EMPTY));
        samples.put(io.cistern.actors.reservation.PrOut.class, List.of(prOut));
        samples.put(io.cistern.actors.reservation.Outcome.class, List.of(io.cistern.actors.reservation.Outcome.values()));
        samples.put(io.cistern.actors.reservation.Reservations.Out.class,
            List.of(new io.cistern.actors.reservation.Reservations.Out(prOut, ref.unsafeUpcast())));
        samples.put(io.cistern.actors.reservation.Reservations.Get.class,
            List.of(new io.cistern.actors.reservation.Reservations.Get(ref.unsafeUpcast())));
        samples.put(io.cistern.actors.reservation.Reservations.OutReply.class, List.of(new io.cistern.actors.reservation.Reservations.OutReply(
            io.cistern.actors.reservation.Outcome.GOOD, reservations, new ArrayList<>(List.of(registration)))));
        samples.put(io.cistern.actors.reservation.Reservations.Current.class,
            List.of(new io.cistern.actors.reservation.Reservations.Current(reservations)));
        samples.put(io.cistern.actors.reservation.Reservations.Changed.class, List.of(new io.cistern.actors.reservation.Reservations.Changed(
            reservations, new ArrayList<>(List.of(registration)), true)));
        samples.put(io.cistern.actors.reservation.ReservationView.AwaitVersion.class,
            List.of(new io.cistern.actors.reservation.ReservationView.AwaitVersion(42L, 3, ref.unsafeUpcast())));
        samples.put(io.cistern.actors.reservation.ReservationView.UnitAttention.class,
            List.of(new io.cistern.actors.reservation.ReservationView.UnitAttention(42L, 0x2900, ref.unsafeUpcast())));
        samples.put(io.cistern.actors.reservation.ReservationView.Applied.class,
            List.of(new io.cistern.actors.reservation.ReservationView.Applied(42L, 3)));
        final io.cistern.actors.perf.Perf.Point point = new io.cistern.actors.perf.Perf.Point(1_700_000_000L,
            new ArrayList<>(List.of(12.5, 0.0, 4096.0)));
        samples.put(io.cistern.actors.perf.Perf.Query.class, List.of(new io.cistern.actors.perf.Perf.Query("volume/vol1", 1L, 2L, 10,
            ref.unsafeUpcast())));
        samples.put(io.cistern.actors.perf.Perf.History.class, List.of(new io.cistern.actors.perf.Perf.History("node-1", "volume/vol1",
            new ArrayList<>(List.of("read.iops", "write.iops", "read.bytes")), new ArrayList<>(List.of(point)))));
        samples.put(io.cistern.actors.perf.Perf.Point.class, List.of(point));
        final io.cistern.actors.perf.Perf.DriveSummary summary = new io.cistern.actors.perf.Perf.DriveSummary("d1", 1200.0, 350.5, 2.0);
        samples.put(io.cistern.actors.perf.Perf.GetDriveSummaries.class, List.of(new io.cistern.actors.perf.Perf.GetDriveSummaries(1L, 2L,
            ref.unsafeUpcast())));
        samples.put(io.cistern.actors.perf.Perf.DriveSummaries.class, List.of(new io.cistern.actors.perf.Perf.DriveSummaries("node-1",
            new ArrayList<>(List.of(summary)))));
        samples.put(io.cistern.actors.perf.Perf.DriveSummary.class, List.of(summary));
        samples.putAll(qosSamples(ref));
        return samples;
    }

    private static Map<Class<?>, List<Object>> qosSamples(final ActorRef<Object> ref)
    {
        final Map<Class<?>, List<Object>> samples = new HashMap<>();
        final QosPolicy policy = new QosPolicy("gold", QosPolicy.Type.AGGREGATED, 100, 500, 64L << 20);
        samples.put(QosPolicy.class, List.of(policy, new QosPolicy("silver", QosPolicy.Type.DEDICATED, 0, 200, 0)));
        samples.put(QosPolicy.Type.class, List.of(QosPolicy.Type.values()));
        samples.put(QosBook.Put.class, List.of(new QosBook.Put(policy, true, ref.unsafeUpcast())));
        samples.put(QosBook.Delete.class, List.of(new QosBook.Delete("gold", ref.unsafeUpcast())));
        samples.put(QosBook.Assign.class, List.of(new QosBook.Assign(42L, "vol1", "gold", ref.unsafeUpcast()),
            new QosBook.Assign(42L, "vol1", null, ref.unsafeUpcast())));
        samples.put(QosBook.SetNormalization.class, List.of(new QosBook.SetNormalization(16384, ref.unsafeUpcast())));
        samples.put(QosBook.GetStatus.class, List.of(new QosBook.GetStatus(ref.unsafeUpcast())));
        final QosBook.VolumeUsage usage = new QosBook.VolumeUsage(42L, "vol1", 250, 2_048_000, 900_000_000L, 12_000L);
        samples.put(QosBook.Report.class, List.of(new QosBook.Report("node-1", 500_000_000L, new ArrayList<>(List.of(usage)),
            ref.unsafeUpcast())));
        samples.put(QosBook.VolumeUsage.class, List.of(usage));
        final QosBook.Gate gate = new QosBook.Gate(42L, "policy:gold", 250.5, 0);
        samples.put(QosBook.Allocation.class, List.of(new QosBook.Allocation(8192, new ArrayList<>(List.of(gate)))));
        samples.put(QosBook.Gate.class, List.of(gate));
        samples.put(QosBook.Answer.class, List.of(new QosBook.Answer(null, null),
            new QosBook.Answer(QosBook.Problem.CONFLICT, "policy gold exists already")));
        samples.put(QosBook.Problem.class, List.of(QosBook.Problem.values()));
        final QosBook.VolumeQos volume = new QosBook.VolumeQos(42L, "vol1", "gold", 498.5, 4e6, 500, 12.5, false);
        samples.put(QosBook.Status.class, List.of(new QosBook.Status(8192, new ArrayList<>(List.of(policy)),
            new ArrayList<>(List.of(volume)))));
        samples.put(QosBook.VolumeQos.class, List.of(volume, new QosBook.VolumeQos(43L, "vol2", null, 0, 0, 0, 0, true)));
        samples.put(QosBook.PolicyPut.class, List.of(new QosBook.PolicyPut(policy)));
        samples.put(QosBook.PolicyDeleted.class, List.of(new QosBook.PolicyDeleted("gold")));
        samples.put(QosBook.Assigned.class, List.of(new QosBook.Assigned(42L, "vol1", "gold")));
        samples.put(QosBook.Unassigned.class, List.of(new QosBook.Unassigned(42L)));
        samples.put(QosBook.NormalizationSet.class, List.of(new QosBook.NormalizationSet(4096)));
        return samples;
    }

    @Test
    void roundTripsEveryRegisteredClass()
    {
        final Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        final Map<Class<?>, List<Object>> samples = samples();
        final KryoSerializer kryo = new KryoSerializer((org.apache.pekko.actor.ExtendedActorSystem)Adapter.toClassic(testKit.system()));
        for (final Class<?> type : KryoRegistry.classes().values())
        {
            assertTrue(samples.containsKey(type), "no sample for registered class " + type.getName() + ": add one here");
            for (final Object sample : samples.get(type))
            {
                if (sample instanceof CisternSerializable)
                {
                    final Serializer serializer = serialization.findSerializerFor(sample);
                    assertInstanceOf(KryoSerializer.class, serializer, type.getName());
                    final byte[] bytes = serialization.serialize(sample).get();
                    assertEquals(sample, serialization.deserialize(bytes, serializer.identifier(), "").get(), type.getName());
                }
                else
                {
                    // Value types (enums) only travel inside messages; Kryo must still know them.
                    assertEquals(sample, kryo.fromBinary(kryo.toBinary(sample)), type.getName());
                }
            }
        }
    }

    @Test
    void registryIdsAreUnique()
    {
        assertEquals(KryoRegistry.classes().size(), KryoRegistry.classes().values().stream().distinct().count());
    }

    @Test
    void refusesAnUnregisteredClass()
    {
        final KryoSerializer serializer = new KryoSerializer((org.apache.pekko.actor.ExtendedActorSystem)Adapter.toClassic(testKit.system()));
        record NotRegistered(int x) implements CisternSerializable
        {
        }
        final Exception ex = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(new NotRegistered(1)));
        assertTrue(ex.getMessage().contains("Class is not registered"), ex.getMessage());
    }
}
