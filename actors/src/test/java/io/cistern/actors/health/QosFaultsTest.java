package io.cistern.actors.health;

import io.cistern.actors.qos.QosBook;
import io.cistern.actors.qos.QosPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QosFaultsTest
{
    @Test
    void aMinimumUnmetIsOneFaultPerVolumeOrPerAggregatedPolicy()
    {
        final QosBook.Status status = new QosBook.Status(8192, new ArrayList<>(List.of(
            new QosPolicy("gold", QosPolicy.Type.DEDICATED, 5000, 0, 0),
            new QosPolicy("pool", QosPolicy.Type.AGGREGATED, 9000, 0, 0))),
            new ArrayList<>(List.of(
                new QosBook.VolumeQos(1, "db", "gold", 1200, 0, 0, 3, true),
                new QosBook.VolumeQos(2, "web", "gold", 6000, 0, 0, 0, false),
                new QosBook.VolumeQos(3, "a", "pool", 1000, 0, 0, 0, true),
                new QosBook.VolumeQos(4, "b", "pool", 2000, 0, 0, 0, true),
                new QosBook.VolumeQos(5, "flood", null, 50, 0, 16, 30, false))));
        final List<HealthMonitor.Fault> faults = QosFaults.of(status, 7);
        assertEquals(2, faults.size(), faults.toString());
        assertEquals("volume db", faults.get(0).subject());
        assertTrue(faults.get(0).description().contains("1200 normalised IOPS, under the minimum of 5000"), faults.get(0).description());
        assertEquals("qos policy pool", faults.get(1).subject());
        assertTrue(faults.get(1).description().contains("(a, b) get 3000"), faults.get(1).description());
        faults.forEach(f -> assertEquals(QosFaults.KIND, f.kind()));
    }
}
