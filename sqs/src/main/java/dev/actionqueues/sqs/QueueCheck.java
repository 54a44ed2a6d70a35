package dev.actionqueues.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, from the attributes SQS reports, whether a group's two queues fit the backend: the main
 * queue redrives to the error queue after the configured number of receives, the error queue keeps
 * messages at least as long as the main queue, and both are of the configured type (FIFO or standard). Pure.
 */
final class QueueCheck {

    private static final Pattern TARGET = Pattern.compile("\"deadLetterTargetArn\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern COUNT = Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)\"?");

    private QueueCheck() {
    }

    /**
     * The problems found; empty if the queues fit.
     *
     * @param main the main queue's attributes, by SQS attribute name
     * @param error the error queue's attributes
     */
    static List<String> problems(String mainName, Map<String, String> main, String errorName,
            Map<String, String> error, int maxReceiveCount, boolean fifo) {
        List<String> problems = new ArrayList<>();
        String errorArn = error.get("QueueArn");
        String wanted = "{\"deadLetterTargetArn\":\"" + errorArn + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
        String policy = main.get("RedrivePolicy");
        if (policy == null || policy.isBlank()) {
            problems.add("queue '" + mainName + "' has no redrive policy: set RedrivePolicy to " + wanted);
        } else {
            Matcher target = TARGET.matcher(policy);
            Matcher count = COUNT.matcher(policy);
            if (!target.find() || !target.group(1).equals(errorArn)) {
                problems.add("the redrive policy of queue '" + mainName + "' does not target the error queue '"
                        + errorName + "' (" + errorArn + "): it is " + policy);
            }
            boolean counted = count.find();
            if (!counted || Integer.parseInt(count.group(1)) != maxReceiveCount) {
                problems.add("the redrive policy of queue '" + mainName + "' has maxReceiveCount "
                        + (counted ? count.group(1) : "unset") + ", the factory is configured with "
                        + maxReceiveCount + ": change one to match the other");
            }
        }
        String mainRetention = main.get("MessageRetentionPeriod");
        String errorRetention = error.get("MessageRetentionPeriod");
        if (mainRetention != null && errorRetention != null
                && Long.parseLong(errorRetention) < Long.parseLong(mainRetention)) {
            problems.add("the error queue '" + errorName + "' keeps messages " + errorRetention
                    + " s, less than the main queue '" + mainName + "' (" + mainRetention
                    + " s): SQS would drop redriven jobs early; raise its MessageRetentionPeriod");
        }
        for (var q : List.of(Map.entry(mainName, main), Map.entry(errorName, error))) {
            boolean isFifo = "true".equalsIgnoreCase(q.getValue().get("FifoQueue"));
            if (isFifo != fifo) {
                problems.add("queue '" + q.getKey() + "' is a " + (isFifo ? "FIFO" : "standard") + " queue, the factory"
                        + " is configured for " + (fifo ? "FIFO" : "standard") + " queues (fifo(" + fifo + "))");
            }
        }
        return problems;
    }
}
