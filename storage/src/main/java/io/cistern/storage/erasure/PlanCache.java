package io.cistern.storage.erasure;

/**
 * Repair plans by erased set, so that a rebuild working through many stripes with the same lost drives
 * inverts its matrix once. Direct-mapped and bounded: a plan lands in the slot its mask hashes to and
 * replaces whatever was there, so lookups allocate nothing and the cache never grows; a collision only
 * costs a plan being worked out again.
 * <p>
 * Safe to share between threads without locks: plans are immutable with final fields, so a racing
 * reader sees either a whole plan or an older one, and checks the mask it finds.
 */
final class PlanCache
{
    private static final int SLOTS = 256;

    private final RepairPlan[] slots = new RepairPlan[SLOTS];

    RepairPlan get(final int erased)
    {
        final RepairPlan plan = slots[slot(erased)];
        return plan != null && plan.erased() == erased ? plan : null;
    }

    void put(final RepairPlan plan)
    {
        slots[slot(plan.erased())] = plan;
    }

    private static int slot(final int erased)
    {
        return (erased * 0x9E3779B9 >>> 16) & (SLOTS - 1);
    }
}
