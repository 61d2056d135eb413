package io.cistern.actors.health;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FaultBookTest
{
    private static HealthMonitor.Fault fault(final String kind, final String subject, final long seen)
    {
        return new HealthMonitor.Fault("WARNING", kind, subject, "why", seen);
    }

    @Test
    void aFaultKeepsItsFirstSightingUntilItClears()
    {
        final FaultBook book = new FaultBook();
        book.replace(FaultBook.Source.CAPACITY, List.of(fault("POOL_CAPACITY", "the pool", 100)));
        book.replace(FaultBook.Source.DRIVES, List.of(fault("NODE_DOWN", "node-2", 150)));
        book.replace(FaultBook.Source.CAPACITY, List.of(fault("POOL_CAPACITY", "the pool", 200)));
        assertEquals(List.of(fault("NODE_DOWN", "node-2", 150), fault("POOL_CAPACITY", "the pool", 100)), book.all(),
            "listed by source; seen again, it keeps its age");

        book.replace(FaultBook.Source.CAPACITY, List.of());
        book.replace(FaultBook.Source.CAPACITY, List.of(fault("POOL_CAPACITY", "the pool", 300)));
        assertEquals(300, book.all().get(1).sinceMillis(), "cleared, then raised again: a new fault");
    }
}
