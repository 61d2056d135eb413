package io.cistern.actors.qos;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QosStateTest
{
    @Test
    void policiesAreChecked()
    {
        assertTrue(new QosPolicy("gold", QosPolicy.Type.DEDICATED, 0, 0, 0).problem().contains("limits nothing"));
        assertTrue(new QosPolicy("gold", QosPolicy.Type.DEDICATED, 600, 500, 0).problem().contains("above the maximum"));
        assertTrue(new QosPolicy("bad name", QosPolicy.Type.DEDICATED, 0, 500, 0).problem().contains("policy name"));
        assertTrue(new QosPolicy("gold", null, 0, 500, 0).problem().contains("dedicated or aggregated"));
        assertNull(new QosPolicy("gold", QosPolicy.Type.AGGREGATED, 100, 0, 0).problem());
    }

    @Test
    void aPolicyIsMadeOnceKeepsItsTypeAndTakesItsAssignmentsWithItWhenDeleted()
    {
        final QosPolicy gold = new QosPolicy("gold", QosPolicy.Type.DEDICATED, 0, 500, 0);
        final QosState state = QosState.EMPTY.withPolicy(gold).withAssignment(new QosState.Assignment(7, "vol", "gold"));
        assertTrue(state.createProblem(gold).contains("exists already"));
        assertTrue(state.changeProblem(new QosPolicy("gold", QosPolicy.Type.AGGREGATED, 0, 500, 0)).contains("keeps its type"));
        assertNull(state.changeProblem(new QosPolicy("gold", QosPolicy.Type.DEDICATED, 0, 900, 0)));
        assertEquals(gold, state.policyOf(7));
        assertTrue(state.assignProblem("silver").contains("no QoS policy silver"));
        assertTrue(state.withoutPolicy("gold").assignments().isEmpty());
        assertNull(QosState.normalizationProblem(16384));
        assertTrue(QosState.normalizationProblem(1000).contains("multiple of 512"));
    }
}
