package dev.actionqueues.demo;

/** The README's demo: runs each part of actionqueues on the embedded default, printing each step. */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) throws InterruptedException {
        System.out.println("actionqueues demo");
        System.out.println();
        System.out.println("### 1. Action queue: a sign-up across three systems, with retry and rollback");
        SignUpDemo.run(System.out);
        System.out.println();
        System.out.println("### 2. Deferred jobs on the embedded (in-memory) backend, run by a worker");
        DeferredDemo.run(System.out);
        System.out.println();
        System.out.println("### 3. A durable saga: its runner dies mid-step, a worker resumes it from the journal");
        DurableSagaDemo.run(System.out);
        System.out.println();
        System.out.println("demo finished");
    }
}
