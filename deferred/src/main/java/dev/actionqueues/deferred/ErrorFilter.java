package dev.actionqueues.deferred;

import java.util.Locale;

/**
 * Which error-queue entries an operator means: by task, by error class and by text, all optional
 * (null matches everything). Immutable.
 *
 * @param task only the jobs of this task
 * @param errorClass only the jobs that failed with this exception class, its full name or its simple
 *     name ({@code IllegalStateException} matches {@code java.lang.IllegalStateException})
 * @param text only the jobs whose error message, reason or arguments contain this text, ignoring case
 */
public record ErrorFilter(String task, String errorClass, String text) {

    /** Matches every entry. */
    public static final ErrorFilter ANY = new ErrorFilter(null, null, null);

    /** Blank parts count as absent. */
    public ErrorFilter {
        task = blankToNull(task);
        errorClass = blankToNull(errorClass);
        text = blankToNull(text);
    }

    /**
     * Whether the filter lets everything through.
     *
     * @return true if no part is set
     */
    public boolean isAny() {
        return task == null && errorClass == null && text == null;
    }

    /**
     * Whether an entry matches.
     *
     * @param e the entry
     * @return true if every part set matches
     */
    public boolean matches(ErrorEntry e) {
        if (task != null && !task.equals(e.task())) {
            return false;
        }
        JobError error = e.error();
        if (errorClass != null) {
            String type = error == null ? null : error.type();
            if (type == null || !(type.equals(errorClass) || type.endsWith("." + errorClass)
                    || type.endsWith("$" + errorClass))) {
                return false;
            }
        }
        if (text != null) {
            String needle = text.toLowerCase(Locale.ROOT);
            return contains(error == null ? null : error.message(), needle)
                    || contains(error == null ? null : error.reason(), needle) || contains(e.arguments(), needle)
                    || (e.arguments() == null && contains(e.payload(), needle));
        }
        return true;
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
