package dev.actionqueues.redis;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Redis keys of one queue of one group: {@code <prefix>:{<group>}:<queue>:<name>}, where the
 * queue is {@code q} (main) or {@code e} (error). Prefix and group are restricted to
 * {@value #NAME_PATTERN_TEXT} (no colons, braces, globs or white space), so the mapping from
 * (prefix, group) to keys is one-to-one and every key of a group carries the same Cluster hash tag.
 * Immutable.
 *
 * @param prefix the key prefix
 * @param group the group
 * @param queue {@code q} or {@code e}
 */
record RedisKeys(String prefix, String group, String queue) {

    static final String NAME_PATTERN_TEXT = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";
    static final Pattern NAME_PATTERN = Pattern.compile(NAME_PATTERN_TEXT);

    RedisKeys {
        validate("prefix", prefix);
        validate("group", group);
        if (!queue.equals("q") && !queue.equals("e")) {
            throw new IllegalArgumentException("queue must be q or e");
        }
    }

    static RedisKeys main(String prefix, String group) {
        return new RedisKeys(prefix, group, "q");
    }

    /** Returns the keys of the error queue of this queue's group. */
    RedisKeys errorQueue() {
        return new RedisKeys(prefix, group, "e");
    }

    /** Returns whether these are the keys of an error queue. */
    boolean isErrorQueue() {
        return queue.equals("e");
    }

    static String validate(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!NAME_PATTERN.matcher(name).matches()) {
            String shown = name.length() > 40 ? name.substring(0, 40) + "…(" + name.length() + " chars)" : name;
            throw new IllegalArgumentException(what + " must match " + NAME_PATTERN_TEXT
                    + " (letters, digits, '.', '_', '-'; at most 128 characters), was \""
                    + shown.replaceAll("\\p{Cntrl}", "?") + "\"");
        }
        return name;
    }

    private String groupKey(String name) {
        return prefix + ":{" + group + "}:" + name;
    }

    private String key(String name) {
        return groupKey(queue + ":" + name);
    }

    /** The eight keys every script takes, in the order {@code common.lua} documents. */
    String[] queueKeys() {
        return new String[] {ready(), key("delayed"), key("leases"), key("inflight"), groupKey("seq"), key("markers"),
                key("debounce"), key("debounce-jobs"), key("unique")};
    }

    /** The queue keys plus one more key as KEYS[9]. */
    String[] with(String tenth) {
        String[] base = queueKeys();
        String[] keys = java.util.Arrays.copyOf(base, base.length + 1);
        keys[base.length] = tenth;
        return keys;
    }

    /**
     * The field of {@code debounceKey} in the queue's debounce hash: its SHA-256 over the bytes the
     * connections store for it, so any string is safe and no two keys share a field.
     */
    static String debounceField(String debounceKey) {
        return sha256(ExactStringCodec.bytes(debounceKey));
    }

    String ready() {
        return key("ready");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
