package dev.actionqueues.dashboard;

import dev.actionqueues.deferred.memory.InMemoryBackendFactory;
import dev.actionqueues.deferred.spi.Backend;

/** The dashboard in Chromium over the embedded in-memory backend. */
class MemoryDashboardBrowserTest extends DashboardBrowserContract {

    @Override
    Backend createBackend() {
        return InMemoryBackendFactory.create().createBackendForGroup("shop");
    }

    @Override
    String backendName() {
        return "memory";
    }
}
