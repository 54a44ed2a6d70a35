package dev.actionqueues.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One of the backend's fixed Lua scripts: {@code common.lua} followed by the script's body. Immutable. */
record Script(String name, String source, String sha) {

    static final Script PUSH_DELAYED = load("push_delayed");
    static final Script PUSH_UNIQUE = load("push_unique");
    static final Script CLAIM = load("claim");
    static final Script STEP = load("step");
    static final Script TOUCH = load("touch");
    static final Script COMPLETE = load("complete");
    static final Script RELEASE = load("release");
    static final Script DEAD_LETTER = load("dead_letter");
    static final Script REPLAY_ERROR = load("replay_error");
    static final Script DEBOUNCE_PUSH = load("debounce_push");
    static final Script REMOVE = load("remove");
    static final Script FIND = load("find");
    static final Script LIST = load("list");
    static final Script BROWSE = load("browse");
    static final Script RUN_NOW = load("run_now");
    static final Script STATS = load("stats");
    static final Script FLUSH = load("flush");
    static final Script SAGA_CREATE = load("saga_create");
    static final Script SAGA_ACQUIRE = load("saga_acquire");
    static final Script SAGA_UPDATE = load("saga_update");
    static final Script SAGA_RELEASE = load("saga_release");
    static final Script SAGA_CANCEL = load("saga_cancel");
    static final Script SAGA_GET = load("saga_get");
    static final Script SAGA_LIST = load("saga_list");
    static final Script SAGA_REMOVE = load("saga_remove");
    static final Script EXPIRE = load("expire");
    static final Script WORKER_BEAT = load("worker_beat");
    static final Script WORKER_LIST = load("worker_list");
    static final Script WORKER_TAKE = load("worker_take");
    static final Script WORKER_REMOVE = load("worker_remove");

    /**
     * The script's body preceded by the helper functions of {@code common.lua} that its first line
     * ({@code -- uses: a b c}) names, in their order in {@code common.lua}. Defining only what a
     * script uses matters: Redis runs the whole prelude on every call.
     */
    private static Script load(String name) {
        String body = resource(name);
        String first = body.lines().findFirst().orElse("");
        if (!first.startsWith("-- uses:")) {
            throw new IllegalStateException(name + ".lua must start with a '-- uses:' line");
        }
        String uses = first.substring("-- uses:".length()).trim();
        java.util.Set<String> wanted = uses.isEmpty() ? new java.util.HashSet<>()
                : new java.util.HashSet<>(java.util.Arrays.asList(uses.split("\\s+")));
        StringBuilder source = new StringBuilder();
        java.util.Set<String> found = new java.util.HashSet<>();
        for (java.util.Map.Entry<String, String> fn : functions().entrySet()) {
            if (wanted.contains(fn.getKey())) {
                source.append(fn.getValue());
                found.add(fn.getKey());
            }
        }
        if (!found.equals(wanted)) {
            wanted.removeAll(found);
            throw new IllegalStateException(name + ".lua uses unknown functions " + wanted);
        }
        source.append(body);
        String text = source.toString();
        return new Script(name, text, sha1(text));
    }

    /** The functions of common.lua by name, in order; each with its leading comment. */
    private static java.util.LinkedHashMap<String, String> functions() {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        StringBuilder pending = new StringBuilder();
        String current = null;
        for (String line : resource("common").split("\n", -1)) {
            if (line.startsWith("local function ")) {
                if (current != null) {
                    out.put(current, pending.toString());
                    pending.setLength(0);
                }
                current = line.substring("local function ".length(), line.indexOf('('));
            } else if (current == null && line.startsWith("--")) {
                continue;
            }
            pending.append(line).append('\n');
        }
        if (current != null) {
            out.put(current, pending.toString());
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the Java platform", e);
        }
    }
}
