package dev.weft.fiber.impl;

import dev.weft.fiber.FiberScheduler;
import dev.weft.fiber.Schedulers;
import org.junit.jupiter.api.Nested;

/** The scheduler contract on {@link Schedulers#workStealing(int)}, with two carriers and with one. */
class WorkStealingSchedulerTest {

    /** Two carriers: stealing, the injection queue and cross-carrier wake-ups all take part. */
    @Nested
    class TwoCarriers extends SchedulerContractTest {
        @Override
        protected FiberScheduler newScheduler(int parallelism) {
            return Schedulers.workStealing(parallelism);
        }

        @Override
        protected int parallelism() {
            return 2;
        }
    }

    /** One carrier: no thief exists, so every wake-up and yield goes through the owner's own queue. */
    @Nested
    class OneCarrier extends SchedulerContractTest {
        @Override
        protected FiberScheduler newScheduler(int parallelism) {
            return Schedulers.workStealing(parallelism);
        }

        @Override
        protected int parallelism() {
            return 1;
        }
    }
}
