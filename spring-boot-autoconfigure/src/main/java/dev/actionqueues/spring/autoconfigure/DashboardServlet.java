package dev.actionqueues.spring.autoconfigure;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;

/**
 * Serves the dashboard's {@link HttpHandler} inside the application's servlet container, behind its
 * filters (Spring Security included). The user the container authenticated, if any, is passed to the
 * dashboard's authorizer in the {@value #REMOTE_USER} header; a header of that name sent by the client
 * is dropped first, so it cannot be forged.
 */
final class DashboardServlet extends HttpServlet {

    /** The request header that carries {@link HttpServletRequest#getRemoteUser()} to the authorizer. */
    static final String REMOTE_USER = "x-actionqueues-remote-user";

    private static final long serialVersionUID = 1L;

    private final transient HttpHandler handler;

    DashboardServlet(HttpHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Headers headers = new Headers();
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!name.toLowerCase(Locale.ROOT).equals(REMOTE_USER)) {
                headers.put(name, Collections.list(request.getHeaders(name)));
            }
        }
        String user = request.getRemoteUser();
        if (user != null && !user.isBlank()) {
            headers.set(REMOTE_USER, user);
        }
        handler.handle(new ServletHttpExchange(request, response, headers));
    }
}
