package dev.actionqueues.deferred;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The host name written into error entries, looked up once, on first use. Thread-safe. */
final class LocalHost implements Supplier<String> {

    private static final Logger LOG = LoggerFactory.getLogger(Deferrable.class);

    private volatile String name;

    @Override
    public String get() {
        String n = name;
        if (n == null) {
            try {
                n = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                LOG.debug("Local host name unknown; error entries say 'unknown'", e);
                n = "unknown";
            }
            name = n;
        }
        return n;
    }
}
