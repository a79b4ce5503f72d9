package io.hiertag.image;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The hosts and ports that {@code http(s):} inputs may reach (setting {@code input.uri.allowed-hosts}). An entry
 * is {@code host} or {@code host:port}; IPv6 literals go in brackets ({@code [::1]}, {@code [::1]:8080}). A bare
 * host allows only the scheme's default port, 80 for {@code http:} and 443 for {@code https:}: allowing a web
 * server by name must not let a publisher make the application send requests to every other service on that
 * machine, its Kafka port for one.
 */
public final class HostAllowList {

    /** A host (normalised) and a port, or {@link #DEFAULT_PORT} for the scheme's own. */
    private record Endpoint(String host, int port) {}

    private static final int DEFAULT_PORT = -1;

    private final List<String> entries;
    private final Set<Endpoint> endpoints;

    private HostAllowList(List<String> entries, Set<Endpoint> endpoints) {
        this.entries = entries;
        this.endpoints = endpoints;
    }

    /** @throws IllegalArgumentException naming the first entry that is not {@code host} or {@code host:port} */
    public static HostAllowList parse(Collection<String> entries) {
        Set<Endpoint> endpoints = new HashSet<>();
        for (String entry : entries) {
            endpoints.add(endpoint(entry.trim()));
        }
        return new HostAllowList(entries.stream().map(String::trim).sorted().toList(), endpoints);
    }

    public boolean isEmpty() {
        return endpoints.isEmpty();
    }

    /** Whether an {@code http(s):} URI names an allowed host and port. */
    public boolean allows(URI uri) {
        if (uri.getHost() == null) {
            return false;
        }
        String host = normalise(uri.getHost());
        int port = port(uri);
        return endpoints.contains(new Endpoint(host, port))
                || port == defaultPort(uri) && endpoints.contains(new Endpoint(host, DEFAULT_PORT));
    }

    /** {@code host:port} that the URI would connect to, the default port filled in; for messages. */
    public static String target(URI uri) {
        return uri.getHost() + ":" + port(uri);
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    private static int port(URI uri) {
        return uri.getPort() == -1 ? defaultPort(uri) : uri.getPort();
    }

    private static int defaultPort(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Read by the same parser as the URIs it is matched against, so both agree on what host and port are. */
    private static Endpoint endpoint(String entry) {
        URI u;
        try {
            u = new URI("http://" + entry);
        } catch (URISyntaxException e) {
            throw badEntry(entry);
        }
        if (u.getHost() == null || u.getRawUserInfo() != null || !u.getRawPath().isEmpty()
                || u.getRawQuery() != null || u.getRawFragment() != null || u.getPort() == 0 || u.getPort() > 65535) {
            throw badEntry(entry);
        }
        return new Endpoint(normalise(u.getHost()), u.getPort());
    }

    private static IllegalArgumentException badEntry(String entry) {
        return new IllegalArgumentException("'" + entry + "' is not host or host:port (port 1 to 65535; an IPv6 "
                + "address goes in brackets, e.g. [::1]:8080)");
    }

    /**
     * Lower case; an IPv6 literal in one canonical spelling, so {@code [::1]} matches {@code [0:0::1]}. Only
     * bracketed literals are parsed as addresses: that never looks a name up in DNS.
     */
    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (!h.startsWith("[")) {
            return h;
        }
        try {
            return "[" + InetAddress.getByName(h).getHostAddress() + "]";
        } catch (UnknownHostException e) {
            return h;
        }
    }
}
