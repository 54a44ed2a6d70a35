package dev.actionqueues.cli;

import java.util.regex.Pattern;

/** Backend URLs as the command shows them: without credentials. */
final class Urls {

    private static final Pattern USER_INFO = Pattern.compile("(\\w+://)[^/@\\s]*@");

    private Urls() {
    }

    /** {@code text} with the user and password of every URL in it replaced by {@code ***}. */
    static String redact(String text) {
        return USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
