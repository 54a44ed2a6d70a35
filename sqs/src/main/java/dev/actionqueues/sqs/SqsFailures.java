package dev.actionqueues.sqs;

import dev.actionqueues.deferred.BackendException;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns AWS SDK exceptions into {@link BackendException}s that carry no secrets: the SDK's message
 * is kept only after access-key ids, signatures and session tokens are masked, and the SDK exception
 * itself is not chained (a signing error may quote the request); its stack trace is kept on a
 * sanitised cause.
 */
final class SqsFailures {

    /** Error codes with which SQS refuses a receipt handle that no longer holds the message. */
    private static final Set<String> STALE_CODES = Set.of("ReceiptHandleIsInvalid", "InvalidParameterValue",
            "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "InvalidReceiptHandle");

    private static final Pattern ACCESS_KEY = Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{12,}\\b");
    private static final Pattern CREDENTIAL = Pattern.compile("(?i)(Credential=)[^,\\s&\"]+");
    private static final Pattern SIGNATURE = Pattern.compile("(?i)(Signature=)[0-9a-f]+");
    private static final Pattern TOKEN = Pattern.compile("(?i)(X-Amz-Security-Token[=:]\\s*)[^&\\s\"]+");

    private SqsFailures() {
    }

    /** Whether SQS refused the call because the receipt handle is stale: the lease was lost. */
    static boolean isStaleReceipt(SdkException e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null
                && STALE_CODES.contains(s.awsErrorDetails().errorCode());
    }

    /** The error code of a service exception, or null. */
    static String errorCode(SdkException e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode()
                : null;
    }

    /**
     * A {@link BackendException} for a failed call.
     *
     * @param what the call and queue, e.g. {@code "SendMessage to deferrable_x"}
     * @param e the SDK's exception
     */
    static BackendException wrap(String what, SdkException e) {
        String text = what + " failed: " + e.getClass().getSimpleName() + ": " + describe(e);
        Sanitized cause = new Sanitized(e.getClass().getName() + ": " + describe(e));
        cause.setStackTrace(e.getStackTrace());
        return new BackendException(text, cause);
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + ", request id " + s.requestId()
                    + "): " + mask(s.awsErrorDetails().errorMessage());
        }
        return mask(e.getMessage());
    }

    /** {@code text} with access-key ids, credentials scopes, signatures and session tokens masked. */
    static String mask(String text) {
        if (text == null) {
            return "";
        }
        String s = ACCESS_KEY.matcher(text).replaceAll("[masked]");
        s = CREDENTIAL.matcher(s).replaceAll("$1[masked]");
        s = SIGNATURE.matcher(s).replaceAll("$1[masked]");
        return TOKEN.matcher(s).replaceAll("$1[masked]");
    }

    /** The cause of a wrapped failure: the SDK exception's class, masked message and stack trace. */
    static final class Sanitized extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Sanitized(String message) {
            super(message, null, false, true);
        }
    }
}
