package dev.weft.fiber;

/**
 * Counters of a {@link FiberScheduler}, read without stopping it (each field is exact on its
 * own, the set is not an atomic snapshot).
 *
 * @param name               the scheduler's name
 * @param carriers           carrier threads alive now, compensating ones included
 * @param parallelism        the number of carriers the scheduler was created with
 * @param compensating       compensating carriers alive now (added while carriers were blocked outside Weft)
 * @param compensationsTotal compensating carriers started since creation
 * @param tasksRun           tasks (fiber resumptions and plain tasks) run since creation
 * @param steals             tasks taken from another carrier's queue, since creation (0 where there is no stealing)
 * @param queued             tasks waiting to run now (an estimate)
 * @param pinnedParks        parks that blocked a carrier because the fiber could not unmount
 */
public record SchedulerStats(String name, int carriers, int parallelism, int compensating,
                             long compensationsTotal, long tasksRun, long steals, long queued,
                             long pinnedParks) {
}
