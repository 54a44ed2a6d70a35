package dev.actionqueues.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides who calls the dashboard from a request's headers: an {@link Operator} (name and access), or
 * empty for "not authenticated" (answered with 401 and a Basic challenge). Plug in your own to use
 * a proxy's identity header or a session; {@link #basic} checks HTTP Basic credentials.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authorizer {

    /**
     * Decides who is calling.
     *
     * @param headers the request headers, names in lower case
     * @return the caller, or empty if not authenticated
     */
    Optional<Operator> authorize(Map<String, List<String>> headers);

    /**
     * Lets everyone in, without credentials, with one access. For a dashboard bound to loopback or
     * behind a proxy that authenticates.
     *
     * @param access what everyone may do
     * @return the authorizer
     */
    static Authorizer anyone(Access access) {
        Objects.requireNonNull(access, "access");
        Operator anonymous = new Operator("anonymous", access);
        return headers -> Optional.of(anonymous);
    }

    /**
     * Checks HTTP Basic credentials against one user (compared in constant time).
     *
     * @param user the user name
     * @param password the password
     * @param access what that user may do
     * @return the authorizer; chain more users with {@link #or}
     */
    static Authorizer basic(String user, String password, Access access) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(access, "access");
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user must be non-empty without ':'");
        }
        byte[] expected = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
        Operator operator = new Operator(user, access);
        return headers -> {
            List<String> values = headers.getOrDefault("authorization", List.of());
            for (String v : values) {
                if (v.regionMatches(true, 0, "Basic ", 0, 6)) {
                    byte[] given;
                    try {
                        given = Base64.getDecoder().decode(v.substring(6).trim());
                    } catch (IllegalArgumentException e) {
                        return Optional.empty();
                    }
                    if (MessageDigest.isEqual(given, expected)) {
                        return Optional.of(operator);
                    }
                }
            }
            return Optional.empty();
        };
    }

    /**
     * This authorizer, then {@code other} if this one does not authenticate the caller.
     *
     * @param other the next authorizer
     * @return the combined authorizer
     */
    default Authorizer or(Authorizer other) {
        Objects.requireNonNull(other, "other");
        return headers -> {
            Optional<Operator> first = authorize(headers);
            return first.isPresent() ? first : other.authorize(headers);
        };
    }
}
