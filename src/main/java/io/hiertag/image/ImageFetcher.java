package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads images that an event names by {@code uri} instead of carrying them. Off unless configured: {@code file:}
 * URIs only under allowed folders (after resolving links, so a link cannot escape), {@code http(s):} URIs only
 * for allow-listed host names, with no redirects (a redirect could leave the list), a timeout and the same
 * byte limit as inline images.
 */
public final class ImageFetcher {

    private final List<Path> allowedDirs;
    private final Set<String> allowedHosts;
    private final long maxBytes;
    private final Duration timeout;
    private final HttpClient http;

    public ImageFetcher(List<Path> allowedDirs, Set<String> allowedHosts, long maxBytes, Duration timeout) {
        this.allowedDirs = allowedDirs.stream().map(ImageFetcher::realPath).toList();
        this.allowedHosts = new TreeSet<>();
        allowedHosts.forEach(h -> this.allowedHosts.add(h.toLowerCase(Locale.ROOT)));
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.http = allowedHosts.isEmpty() ? null : HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Whether the uri may be read, without reading it; cheap enough for validation before buffering. */
    public void check(String uri) throws InvalidImageException {
        URI u = parse(uri);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file" -> {
                if (allowedDirs.isEmpty()) {
                    throw notAllowed(uri, "file: inputs are off (setting input.uri.allowed-dirs)");
                }
                Path p = filePath(uri, u).normalize();
                if (allowedDirs.stream().noneMatch(p::startsWith)) {
                    throw notAllowed(uri, "it is not under an allowed folder " + allowedDirs);
                }
            }
            case "http", "https" -> {
                String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
                if (!allowedHosts.contains(host)) {
                    throw notAllowed(uri, allowedHosts.isEmpty()
                            ? "http(s) inputs are off (setting input.uri.allowed-hosts)"
                            : "host '" + host + "' is not in input.uri.allowed-hosts " + allowedHosts);
                }
            }
            default -> throw notAllowed(uri, "only file: and http(s): URIs are supported");
        }
    }

    /** Reads the image bytes, applying {@link #check} first. */
    public byte[] fetch(String uri) throws InvalidImageException {
        check(uri);
        URI u = parse(uri);
        if ("file".equalsIgnoreCase(u.getScheme())) {
            return readFile(uri, filePath(uri, u));
        }
        return readHttp(uri, u);
    }

    private byte[] readFile(String uri, Path p) throws InvalidImageException {
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new InvalidImageException(Reason.FETCH_FAILED, "cannot read " + uri + ": " + e);
        }
        // Checked again on the resolved path: a link inside an allowed folder may point outside it.
        if (allowedDirs.stream().noneMatch(real::startsWith)) {
            throw notAllowed(uri, "it resolves to " + real + ", outside the allowed folders");
        }
        try (InputStream in = Files.newInputStream(real)) {
            return readLimited(uri, in);
        } catch (IOException e) {
            throw new InvalidImageException(Reason.FETCH_FAILED, "cannot read " + uri + ": " + e);
        }
    }

    private byte[] readHttp(String uri, URI u) throws InvalidImageException {
        HttpRequest request = HttpRequest.newBuilder(u).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new InvalidImageException(Reason.FETCH_FAILED, uri + " answered HTTP " + response.statusCode());
                }
                return readLimited(uri, in);
            }
        } catch (IOException e) {
            throw new InvalidImageException(Reason.FETCH_FAILED, "cannot fetch " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidImageException(Reason.FETCH_FAILED, "interrupted while fetching " + uri);
        }
    }

    private byte[] readLimited(String uri, InputStream in) throws IOException, InvalidImageException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new InvalidImageException(Reason.TOO_LARGE, uri + " holds more than " + maxBytes
                    + " bytes (setting input.max-bytes)");
        }
        return bytes;
    }

    private static URI parse(String uri) throws InvalidImageException {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidImageException(Reason.URI_NOT_ALLOWED, "'" + uri + "' is not a valid URI: " + e.getMessage());
        }
    }

    private static Path filePath(String uri, URI u) throws InvalidImageException {
        try {
            return Path.of(u);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw notAllowed(uri, "not a local absolute file URI (" + e.getMessage() + ")");
        }
    }

    private static InvalidImageException notAllowed(String uri, String why) {
        return new InvalidImageException(Reason.URI_NOT_ALLOWED, "uri " + uri + " refused: " + why);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
