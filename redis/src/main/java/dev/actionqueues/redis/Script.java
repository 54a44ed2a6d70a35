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
    static final Script STATS = load("stats");

    private static Script load(String name) {
        String source = resource("common") + "\n" + resource(name);
        return new Script(name, source, sha1(source));
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
