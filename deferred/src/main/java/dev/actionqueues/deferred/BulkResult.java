package dev.actionqueues.deferred;

/**
 * What a bulk operator action did over the entries that matched a filter. Immutable.
 *
 * @param done how many entries the action applied to
 * @param cap the most entries one call acts on
 * @param capped whether more entries may match than were acted on (call again to go on)
 */
public record BulkResult(int done, int cap, boolean capped) {
}
