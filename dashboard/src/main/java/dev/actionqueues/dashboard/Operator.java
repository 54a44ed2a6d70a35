package dev.actionqueues.dashboard;

import java.util.Objects;

/**
 * Who is calling the dashboard and what they may do, as an {@link Authorizer} decided. Immutable.
 *
 * @param name the name operator actions are logged and reported under
 * @param access what the caller may do
 */
public record Operator(String name, Access access) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Operator {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }
}
