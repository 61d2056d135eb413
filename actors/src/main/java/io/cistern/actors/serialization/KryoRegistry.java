package io.cistern.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import io.cistern.actors.drive.Drive;
import io.cistern.actors.drive.DriveHealth;
import io.cistern.actors.drive.DriveInfo;
import io.cistern.actors.drive.DriveStatus;
import io.cistern.actors.placement.Resiliency;
import io.cistern.actors.volume.Extent;
import io.cistern.actors.volume.ExtentState;
import io.cistern.actors.volume.Provisioning;
import io.cistern.actors.volume.Slab;
import io.cistern.actors.volume.SlabLayout;
import io.cistern.actors.volume.Volume;
import io.cistern.actors.volume.VolumeInfo;
import io.cistern.config.FaultDomainLevel;
import io.cistern.config.MediaType;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every class Kryo may write, with its id. The ids are in the journal and on the wire: they are
 * append-only. Never renumber or reuse one; retire it by leaving a comment in its place.
 */
public final class KryoRegistry
{
    /** Ids below this are Kryo's own (primitives, String, ...). */
    private static final int FIRST_ID = 100;

    private KryoRegistry()
    {
    }

    /** The registered classes by id, in id order. */
    public static Map<Integer, Class<?>> classes()
    {
        final Map<Integer, Class<?>> ids = new LinkedHashMap<>();
        // 100-119: shared value types
        ids.put(FIRST_ID, MediaType.class);
        ids.put(101, DriveHealth.class);
        ids.put(102, DriveInfo.class);
        ids.put(103, DriveStatus.class);
        ids.put(104, ArrayList.class);
        ids.put(105, Resiliency.class);
        ids.put(106, FaultDomainLevel.class);
        ids.put(107, Provisioning.class);
        ids.put(108, ExtentState.class);
        ids.put(109, Extent.class);
        ids.put(110, VolumeInfo.class);
        ids.put(111, SlabLayout.class);
        // 120-159: Drive entity
        ids.put(120, Drive.Register.class);
        ids.put(121, Drive.ReportLostCommunication.class);
        ids.put(122, Drive.GetStatus.class);
        ids.put(123, Drive.DriveReport.class);
        ids.put(124, Drive.ReportFailed.class);
        ids.put(125, Drive.Retire.class);
        ids.put(130, Drive.Registered.class);
        ids.put(131, Drive.CommunicationLost.class);
        ids.put(132, Drive.Failed.class);
        ids.put(133, Drive.Retired.class);
        ids.put(140, Drive.Unregistered.class);
        ids.put(141, Drive.Known.class);
        // 160-189: Volume entity
        ids.put(160, Volume.Create.class);
        ids.put(161, Volume.Resize.class);
        ids.put(162, Volume.Attach.class);
        ids.put(163, Volume.Detach.class);
        ids.put(164, Volume.Delete.class);
        ids.put(165, Volume.Get.class);
        ids.put(170, Volume.Created.class);
        ids.put(171, Volume.Resized.class);
        ids.put(172, Volume.Attached.class);
        ids.put(173, Volume.Detached.class);
        ids.put(174, Volume.Deleted.class);
        ids.put(180, Volume.Absent.class);
        ids.put(181, Volume.Live.class);
        // 190-219: Slab entity
        ids.put(190, Slab.Place.class);
        ids.put(191, Slab.GetLayout.class);
        ids.put(192, Slab.Free.class);
        ids.put(193, Slab.MarkStale.class);
        ids.put(194, Slab.BeginResync.class);
        ids.put(195, Slab.EndResync.class);
        ids.put(196, Slab.Resync.class);
        ids.put(197, Slab.Replace.class);
        ids.put(198, Slab.Checkpoint.class);
        ids.put(199, Slab.Handover.class);
        ids.put(200, Slab.Placed.class);
        ids.put(201, Slab.Freed.class);
        ids.put(202, Slab.MarkedStale.class);
        ids.put(203, Slab.DirtyRange.class);
        ids.put(204, Slab.ResyncStarted.class);
        ids.put(205, Slab.ResyncFinished.class);
        ids.put(206, Slab.ExtentReplaced.class);
        ids.put(207, Slab.Moving.class);
        ids.put(208, Slab.Checkpointed.class);
        ids.put(209, Slab.Progress.class);
        ids.put(210, Slab.Unplaced.class);
        ids.put(211, Slab.Active.class);
        ids.put(212, Slab.Gone.class);
        ids.put(213, Slab.CopyAdded.class);
        ids.put(214, Slab.Incoming.class);
        // 220-229: health monitor
        ids.put(220, io.cistern.actors.health.HealthMonitor.GetFaults.class);
        ids.put(221, io.cistern.actors.health.HealthMonitor.Faults.class);
        ids.put(222, io.cistern.actors.health.HealthMonitor.Fault.class);
        ids.put(223, io.cistern.actors.health.HealthMonitor.Optimize.class);
        ids.put(224, io.cistern.actors.repair.Optimized.class);
        // 230-259: persistent reservations
        ids.put(230, io.cistern.actors.reservation.Reservations.Out.class);
        ids.put(231, io.cistern.actors.reservation.Reservations.Get.class);
        ids.put(232, io.cistern.actors.reservation.Reservations.OutReply.class);
        ids.put(233, io.cistern.actors.reservation.Reservations.Current.class);
        ids.put(234, io.cistern.actors.reservation.Reservations.Changed.class);
        ids.put(235, io.cistern.actors.reservation.ReservationState.class);
        ids.put(236, io.cistern.actors.reservation.Registration.class);
        ids.put(237, io.cistern.actors.reservation.Nexus.class);
        ids.put(238, io.cistern.actors.reservation.PrOut.class);
        ids.put(239, io.cistern.actors.reservation.Outcome.class);
        ids.put(240, io.cistern.actors.reservation.ReservationView.AwaitVersion.class);
        ids.put(241, io.cistern.actors.reservation.ReservationView.Applied.class);
        ids.put(242, io.cistern.actors.reservation.ReservationView.UnitAttention.class);
        // 250-259: performance history
        ids.put(250, io.cistern.actors.perf.Perf.Query.class);
        ids.put(251, io.cistern.actors.perf.Perf.History.class);
        ids.put(252, io.cistern.actors.perf.Perf.Point.class);
        ids.put(253, io.cistern.actors.perf.Perf.GetDriveSummaries.class);
        ids.put(254, io.cistern.actors.perf.Perf.DriveSummaries.class);
        ids.put(255, io.cistern.actors.perf.Perf.DriveSummary.class);
        // 260-289: Storage QoS
        ids.put(260, io.cistern.actors.qos.QosPolicy.class);
        ids.put(261, io.cistern.actors.qos.QosPolicy.Type.class);
        ids.put(262, io.cistern.actors.qos.QosBook.Put.class);
        ids.put(263, io.cistern.actors.qos.QosBook.Delete.class);
        ids.put(264, io.cistern.actors.qos.QosBook.Assign.class);
        ids.put(265, io.cistern.actors.qos.QosBook.SetNormalization.class);
        ids.put(266, io.cistern.actors.qos.QosBook.GetStatus.class);
        ids.put(267, io.cistern.actors.qos.QosBook.Report.class);
        ids.put(268, io.cistern.actors.qos.QosBook.VolumeUsage.class);
        ids.put(269, io.cistern.actors.qos.QosBook.Allocation.class);
        ids.put(270, io.cistern.actors.qos.QosBook.Gate.class);
        ids.put(271, io.cistern.actors.qos.QosBook.Answer.class);
        ids.put(272, io.cistern.actors.qos.QosBook.Problem.class);
        ids.put(273, io.cistern.actors.qos.QosBook.Status.class);
        ids.put(274, io.cistern.actors.qos.QosBook.VolumeQos.class);
        ids.put(280, io.cistern.actors.qos.QosBook.PolicyPut.class);
        ids.put(281, io.cistern.actors.qos.QosBook.PolicyDeleted.class);
        ids.put(282, io.cistern.actors.qos.QosBook.Assigned.class);
        ids.put(283, io.cistern.actors.qos.QosBook.Unassigned.class);
        ids.put(284, io.cistern.actors.qos.QosBook.NormalizationSet.class);
        return ids;
    }

    /** Id of the typed {@link ActorRef} implementation Pekko hands out for local and remote actors. */
    static final int ACTOR_REF_ID = 99;

    static Kryo newKryo(final Supplier<ActorRefResolver> resolver)
    {
        final Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        final ActorRefSerializer refs = new ActorRefSerializer(resolver);
        kryo.addDefaultSerializer(ActorRef.class, refs);
        kryo.register(actorRefAdapterClass(), refs, ACTOR_REF_ID);
        classes().forEach((id, type) -> kryo.register(type, id));
        return kryo;
    }

    private static Class<?> actorRefAdapterClass()
    {
        try
        {
            return Class.forName("org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter");
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException("Pekko's typed ActorRef adapter is not on the classpath", ex);
        }
    }
}
