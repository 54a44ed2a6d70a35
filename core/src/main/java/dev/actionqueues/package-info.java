/**
 * Action queues: run a sequence of side-effecting {@link dev.actionqueues.Action}s in order with
 * {@link dev.actionqueues.ActionQueue}, retry the ones that ask for it, and roll back what ran, in
 * reverse order, when one fails. Start with {@link dev.actionqueues.ActionQueue#run()}.
 *
 * <p>This package is a Java port of the Python library {@code actionqueues}.
 */
package dev.actionqueues;
