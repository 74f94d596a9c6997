package dev.weft.fiber.sim;

import dev.weft.fiber.Channel;
import dev.weft.fiber.Channels;
import dev.weft.fiber.DeterministicScheduler;
import dev.weft.fiber.Fiber;
import dev.weft.fiber.test.FiberTest;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example of docs/testing.md, a test that fails on purpose: an account that approves a
 * withdrawal, writes the approval to an audit channel (a scheduling point), and only then takes
 * the money, so two withdrawals can both be approved against one balance. Opt-in
 * ({@code -Dweft.examples=true}) because it fails.
 */
@EnabledIfSystemProperty(named = "weft.examples", matches = "true")
class OverdraftExampleTest {

    static final class Account {
        private int balance;
        private final Channel<String> audit;

        Account(int balance, Channel<String> audit) {
            this.balance = balance;
            this.audit = audit;
        }

        // docs:begin withdraw
        void withdraw(String who, int amount) throws InterruptedException {
            if (balance >= amount) {
                audit.send(who + " approved " + amount); // suspends until the auditor takes it
                balance -= amount;
            }
        }
        // docs:end
    }

    // docs:begin overdraft-test
    @FiberTest(seeds = 1000)
    void withdrawalsNeverOverdraw() throws Exception {
        Channel<String> audit = Channels.rendezvous();
        Fiber<?> auditor = Fiber.builder().name("auditor").start(() -> {
            for (String line : audit) {
                assertTrue(line.contains("approved"));
                Fiber.sleep(Duration.ofMillis(5)); // writing the line somewhere slow (virtual time)
            }
            return null;
        });
        Account account = new Account(100, audit);
        List<Fiber<?>> customers = new ArrayList<>();
        for (String who : List.of("alice", "bob", "carol")) {
            customers.add(Fiber.builder().name(who).start(() -> {
                account.withdraw(who, 50); // two fit in the balance, three do not
                return null;
            }));
        }
        for (Fiber<?> c : customers) {
            c.join();
        }
        audit.close();
        auditor.join();
        assertTrue(account.balance >= 0, "overdrawn: balance " + account.balance);
    }
    // docs:end

    /** The deadlock example of docs/testing.md: the two workers of {@link KnownRaces#forkChannelsDeadlock}. */
    @FiberTest(seeds = 100, strategy = DeterministicScheduler.Strategy.PCT)
    void forkChannelsNeverDeadlock(DeterministicScheduler scheduler) throws Exception {
        KnownRaces.forkChannelsDeadlock(scheduler);
    }
}
