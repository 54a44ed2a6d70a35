package dev.actionqueues.redis.testing;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code CLIENT LIST} to tell whether a test's connection is blocked in Redis, so a test can wait
 * for a blocking command to be really waiting instead of sleeping. Connections are told apart by the
 * client name their URI sets ({@link #named}), since other tests may share the server.
 */
public final class BlockedClients {

    private BlockedClients() {
    }

    /** Returns {@code uri} with a {@code clientName} parameter, so the connections made from it carry that name. */
    public static String named(String uri, String clientName) {
        return uri + (uri.contains("?") ? "&" : "?") + "clientName=" + clientName;
    }

    /** Returns how many clients named {@code clientName} in a {@code CLIENT LIST} reply are blocked in BLMOVE. */
    public static long inBlmove(String clientList, String clientName) {
        return clientList.lines().map(BlockedClients::fields)
                .filter(f -> clientName.equals(f.get("name")) && "blmove".equals(f.get("cmd"))
                        && f.getOrDefault("flags", "").contains("b"))
                .count();
    }

    private static Map<String, String> fields(String line) {
        return Arrays.stream(line.trim().split(" ")).filter(kv -> kv.indexOf('=') > 0)
                .collect(Collectors.toMap(kv -> kv.substring(0, kv.indexOf('=')),
                        kv -> kv.substring(kv.indexOf('=') + 1), (a, b) -> b));
    }
}
