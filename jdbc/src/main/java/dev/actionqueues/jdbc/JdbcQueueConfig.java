package dev.actionqueues.jdbc;

import java.time.Duration;
import javax.sql.DataSource;

/**
 * What a factory's queues share.
 *
 * @param dataSource where pooled calls take their connections
 * @param tablePrefix the validated prefix of the table names
 * @param listener wakes idle claims; null when notifications are off (claims poll)
 * @param channel the notification channel (the prefix and {@code jobs})
 * @param pollInterval how often an idle claim polls when no connection listens
 * @param safetyPoll how long an idle claim that listens waits at most before it looks again
 */
record JdbcQueueConfig(DataSource dataSource, String tablePrefix, JdbcListener listener, String channel,
        Duration pollInterval, Duration safetyPoll) {
}
