package dev.actionqueues.spring.autoconfigure;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One servlet request seen as a JDK {@link HttpExchange}, so that the dashboard's
 * {@link HttpHandler} serves it unchanged: request line, headers and body come from the servlet
 * request, and status, headers and body go to the servlet response. The context path is where the
 * dashboard servlet is mapped.
 */
final class ServletHttpExchange extends HttpExchange {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Headers requestHeaders;
    private final Headers responseHeaders = new Headers();
    private final HttpContext context;
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream in;
    private OutputStream out;
    private int status = -1;

    ServletHttpExchange(HttpServletRequest request, HttpServletResponse response, Headers requestHeaders)
            throws IOException {
        this.request = request;
        this.response = response;
        this.requestHeaders = requestHeaders;
        this.context = new MountContext(request.getContextPath() + request.getServletPath());
        this.in = request.getInputStream();
        this.out = response.getOutputStream();
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        String query = request.getQueryString();
        return URI.create(request.getRequestURI() + (query == null ? "" : "?" + query));
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    @Override
    public void close() {
        try {
            out.flush();
        } catch (IOException e) {
            // The client went away; nothing to tell it.
        }
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
        status = code;
        response.setStatus(code);
        responseHeaders.forEach((name, values) -> {
            for (String v : values) {
                response.addHeader(name, v);
            }
        });
        if (length > 0) {
            response.setContentLengthLong(length);
        } else if (length < 0) {
            response.setContentLength(0);
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return InetSocketAddress.createUnresolved(request.getLocalAddr(), request.getLocalPort());
    }

    @Override
    public String getProtocol() {
        return request.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    /** The path the dashboard is mounted at; it has no server of its own. */
    private static final class MountContext extends HttpContext {
        private final String path;

        MountContext(String path) {
            this.path = path;
        }

        @Override
        public HttpHandler getHandler() {
            throw new UnsupportedOperationException("a servlet mount has no handler");
        }

        @Override
        public void setHandler(HttpHandler handler) {
            throw new UnsupportedOperationException("a servlet mount has no handler");
        }

        @Override
        public String getPath() {
            return path;
        }

        @Override
        public HttpServer getServer() {
            throw new UnsupportedOperationException("a servlet mount has no JDK HTTP server");
        }

        @Override
        public Map<String, Object> getAttributes() {
            return Collections.emptyMap();
        }

        @Override
        public List<Filter> getFilters() {
            return List.of();
        }

        @Override
        public Authenticator setAuthenticator(Authenticator auth) {
            throw new UnsupportedOperationException("a servlet mount is authenticated by the application");
        }

        @Override
        public Authenticator getAuthenticator() {
            return null;
        }
    }
}
