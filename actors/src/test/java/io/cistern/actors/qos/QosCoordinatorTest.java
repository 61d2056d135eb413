package io.cistern.actors.qos;

import io.cistern.actors.qos.QosBook.Allocation;
import io.cistern.actors.qos.QosBook.Gate;
import io.cistern.actors.qos.QosBook.Report;
import io.cistern.actors.qos.QosBook.VolumeUsage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QosCoordinatorTest
{
    private static final long SECOND = 1_000_000_000L;

    private static QosState state()
    {
        return QosState.EMPTY
            .withPolicy(new QosPolicy("silver", QosPolicy.Type.DEDICATED, 0, 500, 0))
            .withPolicy(new QosPolicy("shared", QosPolicy.Type.AGGREGATED, 0, 1000, 0))
            .withAssignment(new QosState.Assignment(1, "one", "silver"))
            .withAssignment(new QosState.Assignment(2, "two", "shared"))
            .withAssignment(new QosState.Assignment(3, "three", "shared"));
    }

    private static Report report(final String node, final VolumeUsage... volumes)
    {
        return new Report(node, SECOND / 2, new ArrayList<>(List.of(volumes)), null);
    }

    private static VolumeUsage busy(final long id, final long ios)
    {
        return new VolumeUsage(id, "v" + id, ios, ios * 8192, SECOND, SECOND / 10);
    }

    @Test
    void aDedicatedMaximumThroughTwoNodesSumsToTheMaximum()
    {
        final QosCoordinator coordinator = new QosCoordinator();
        final Allocation first = coordinator.report(state(), report("n1", busy(1, 250)), 0);
        assertEquals(500, first.gates().get(0).iopsPerSecond(), 1e-9, "alone: all of it");
        final Allocation second = coordinator.report(state(), report("n2", busy(1, 100)), SECOND / 10);
        final Allocation third = coordinator.report(state(), report("n1", busy(1, 250)), SECOND / 5);
        assertEquals(500, second.gates().get(0).iopsPerSecond() + third.gates().get(0).iopsPerSecond(), 1e-6);
        assertEquals(250, second.gates().get(0).iopsPerSecond(), 1e-6, "both throttled: an even split");
    }

    @Test
    void anAggregatedPolicySharesOneAllowanceAmongItsVolumes()
    {
        final QosCoordinator coordinator = new QosCoordinator();
        final Allocation n1 = coordinator.report(state(), report("n1", busy(2, 300)), 0);
        final Allocation n2 = coordinator.report(state(), report("n2", busy(3, 300)), 1);
        final Gate g1 = n1.gates().get(0);
        final Gate g2 = n2.gates().get(0);
        assertEquals(g1.bucket(), g2.bucket(), "one allowance");
        assertEquals(1000, g1.iopsPerSecond(), 1e-6, "n1 alone when it asked");
        assertEquals(500, g2.iopsPerSecond(), 1e-6, "both throttled: half each");
        final Allocation again = coordinator.report(state(), report("n1", busy(2, 300)), 2);
        assertEquals(1000, again.gates().get(0).iopsPerSecond() + g2.iopsPerSecond(), 1e-6);
    }

    @Test
    void aVolumeWithoutAPolicyIsNotLimitedAndItsStatusSaysSo()
    {
        final QosCoordinator coordinator = new QosCoordinator();
        final Allocation allocation = coordinator.report(state(), report("n1", busy(9, 1000)), 0);
        assertEquals(0, allocation.gates().get(0).iopsPerSecond());
        assertEquals(8192, allocation.normalizationBytes());
        final QosBook.Status status = coordinator.status(state(), 1);
        final QosBook.VolumeQos nine = status.volumes().stream().filter(v -> v.volumeId() == 9).findFirst().orElseThrow();
        assertNull(nine.policy());
        assertEquals(2000, nine.normalizedIops(), 1e-6);
        assertEquals(0.1, nine.throttledSeconds(), 1e-9);
        assertTrue(status.volumes().stream().anyMatch(v -> v.volumeId() == 3 && v.normalizedIops() == 0),
            "an assigned volume idle everywhere is listed");
    }

    @Test
    void aNodeThatStopsReportingNoLongerHoldsAShare()
    {
        final QosCoordinator coordinator = new QosCoordinator();
        coordinator.report(state(), report("n1", busy(1, 250)), 0);
        coordinator.report(state(), report("n2", busy(1, 250)), 1);
        final Allocation later = coordinator.report(state(), report("n1", busy(1, 250)), QosCoordinator.STALE_NANOS + 2);
        assertEquals(500, later.gates().get(0).iopsPerSecond(), 1e-9);
    }
}
