package dev.actionqueues.demo;

import dev.actionqueues.Action;
import dev.actionqueues.ActionFailedException;
import dev.actionqueues.ActionQueue;
import dev.actionqueues.ActionQueueListener;
import dev.actionqueues.Phase;
import dev.actionqueues.RollbackReport;
import dev.actionqueues.exceptionfactory.DoublingBackoffExceptionFactory;
import dev.actionqueues.retry.Backoff;
import dev.actionqueues.retry.RetryPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The seed's own story: a user sign-up writes to an account store, billing and a mailing list.
 * Billing has transient failures that are retried with backoff; the first sign-up succeeds. For
 * the second, the mailing list is down for good, so the writes already made are rolled back.
 */
public final class SignUpDemo {

    /** A pretend external system: a map of records and a switchable failure mode. */
    static final class FakeSystem {
        final String name;
        final Map<String, String> records = new HashMap<>();
        int transientFailuresLeft;
        boolean down;

        FakeSystem(String name) {
            this.name = name;
        }

        String insert(String user) throws IOException {
            if (down) {
                throw new IOException(name + " is down (connection refused)");
            }
            if (transientFailuresLeft > 0) {
                transientFailuresLeft--;
                throw new IOException(name + " timed out");
            }
            String id = name.substring(0, 3) + "-" + (records.size() + 1);
            records.put(id, user);
            return id;
        }

        void delete(String id) {
            records.remove(id);
        }
    }

    /** An action that inserts a record and remembers its id so rollback deletes exactly that. */
    static final class InsertAction implements Action {
        private final FakeSystem system;
        private final String user;
        private final PrintStream out;
        private final DoublingBackoffExceptionFactory retries;
        private String id;

        InsertAction(FakeSystem system, String user, PrintStream out, DoublingBackoffExceptionFactory retries) {
            this.system = system;
            this.user = user;
            this.out = out;
            this.retries = retries;
        }

        @Override
        public void execute() throws Exception {
            try {
                id = system.insert(user);
                out.printf("    %-13s wrote %s for %s%n", system.name, id, user);
            } catch (IOException e) {
                out.printf("    %-13s failed: %s%n", system.name, e.getMessage());
                if (retries == null) {
                    throw e;
                }
                retries.raiseException(e);
            }
        }

        @Override
        public void rollback() {
            if (id == null) {
                out.printf("    %-13s nothing to undo%n", system.name);
                return;
            }
            system.delete(id);
            out.printf("    %-13s deleted %s%n", system.name, id);
        }

        @Override
        public String toString() {
            return system.name;
        }
    }

    private SignUpDemo() {
    }

    /**
     * Runs the two sign-ups, printing each step.
     *
     * @param out where to print
     */
    public static void run(PrintStream out) {
        FakeSystem accounts = new FakeSystem("accounts");
        FakeSystem billing = new FakeSystem("billing");
        FakeSystem mailing = new FakeSystem("mailing-list");
        ActionQueueListener listener = new ActionQueueListener() {
            @Override
            public void retryScheduled(int index, Action action, Phase phase, int attempt, Duration delay,
                    Throwable cause) {
                out.printf("    %-13s retry %d in %d ms%n", action, attempt, delay.toMillis());
            }
        };

        out.println("== Sign-up 1: billing times out twice, then works ==");
        billing.transientFailuresLeft = 2;
        ActionQueue first = ActionQueue.builder().listener(listener).build()
                .add(new InsertAction(accounts, "ada", out, null))
                .add(new InsertAction(billing, "ada", out, new DoublingBackoffExceptionFactory(3, 50)))
                .add(new InsertAction(mailing, "ada", out, null));
        first.run();
        out.printf("  signed up: accounts=%d billing=%d mailing-list=%d%n%n",
                accounts.records.size(), billing.records.size(), mailing.records.size());

        out.println("== Sign-up 2: the mailing list is down for good ==");
        mailing.down = true;
        RetryPolicy threeTries = RetryPolicy.builder().maxAttempts(3).retryOn(IOException.class)
                .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200))).build();
        ActionQueue second = ActionQueue.builder().listener(listener).build()
                .add(new InsertAction(accounts, "grace", out, null))
                .add(new InsertAction(billing, "grace", out, null))
                .add(new InsertAction(mailing, "grace", out, null), threeTries);
        try {
            second.run();
        } catch (ActionFailedException e) {
            out.printf("  sign-up failed at action %d (%s): %s%n", e.index(), e.action(), e.getCause().getMessage());
            RollbackReport report = e.rollbackReport().orElseThrow();
            out.printf("  rolled back %s; rollback clean: %s%n", report.rolledBack(), report.isClean());
        }
        out.printf("  records left: accounts=%d billing=%d mailing-list=%d (only sign-up 1)%n",
                accounts.records.size(), billing.records.size(), mailing.records.size());
    }
}
