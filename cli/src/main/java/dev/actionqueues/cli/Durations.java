package dev.actionqueues.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Durations on the command line: ISO-8601 ({@code PT10M}) or a number with s, m, h or d. */
final class Durations {

    private Durations() {
    }

    static Duration parse(CommandSpec spec, String option, String text) {
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
            }
            long n = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException(text);
            };
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be like PT10M, 10s, 5m, 2h"
                    + " or 1d, was '" + text + "'");
        }
    }
}
