package io.hiertag.image;

import io.hiertag.image.InvalidImageException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads images that an event names by {@code uri} instead of carrying them. Off unless configured: {@code file:}
 * URIs only for regular files under allowed folders (after resolving links, so a link cannot escape),
 * {@code http(s):} URIs only for allow-listed hosts and ports ({@link HostAllowList}), with no redirects, one
 * deadline for the whole fetch and the same byte limit as inline images.
 *
 * <p>A read is {@linkplain #start started} and {@linkplain Fetch#await awaited} later: a web fetch runs in the
 * background from its start, its deadline counting from then, so that a batch can start all of its fetches at
 * once and wait at most one deadline for all of them.
 */
public final class ImageFetcher implements AutoCloseable {

    /** One image read under way. */
    public interface Fetch extends AutoCloseable {
        /** The image bytes; for a web fetch, waits at most until the deadline counted from its start. */
        byte[] await() throws InvalidImageException;

        /** Gives the read up if it is still under way, closing its connection; nothing once awaited. */
        @Override
        default void close() {
        }
    }

    private final List<Path> allowedDirs;
    private final HostAllowList allowedHosts;
    private final long maxBytes;
    private final WebImageClient web;

    /**
     * @param allowedHosts entries {@code host} or {@code host:port}, see {@link HostAllowList}
     * @param timeout      the deadline of a whole {@code http(s):} fetch
     * @throws IllegalArgumentException when an entry of {@code allowedHosts} cannot be parsed
     */
    public ImageFetcher(List<Path> allowedDirs, Set<String> allowedHosts, long maxBytes, Duration timeout) {
        this.allowedDirs = allowedDirs.stream().map(ImageFetcher::realPath).toList();
        this.allowedHosts = HostAllowList.parse(allowedHosts);
        this.maxBytes = maxBytes;
        this.web = this.allowedHosts.isEmpty() ? null : new WebImageClient(maxBytes, timeout);
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
                if (allowedHosts.isEmpty()) {
                    throw notAllowed(uri, "http(s) inputs are off (setting input.uri.allowed-hosts)");
                }
                if (u.getHost() == null) {
                    throw notAllowed(uri, "it names no host");
                }
                if (!allowedHosts.allows(u)) {
                    String target = HostAllowList.target(u);
                    throw notAllowed(uri, target + " is not in input.uri.allowed-hosts " + allowedHosts
                            + " (an entry without a port allows only port 80 for http and 443 for https); add "
                            + target + " to allow it");
                }
            }
            default -> throw notAllowed(uri, "only file: and http(s): URIs are supported");
        }
    }

    /**
     * Starts reading the image, applying {@link #check} first, and returns at once: a web fetch begins now, a
     * file is read when awaited (a local read needs no head start). A refused uri fails when awaited, like any
     * other read, so that a batch handles every failure in one place.
     */
    public Fetch start(String uri) {
        try {
            check(uri);
            URI u = parse(uri);
            if ("file".equalsIgnoreCase(u.getScheme())) {
                Path p = filePath(uri, u);
                return () -> readFile(uri, p);
            }
            return web.start(uri, u, HostAllowList.target(u));
        } catch (InvalidImageException e) {
            return () -> {
                throw e;
            };
        }
    }

    /** Stops the threads of the web client; a closed fetcher can still read files. */
    @Override
    public void close() {
        if (web != null) {
            web.close();
        }
    }

    static InvalidImageException tooLarge(String uri, long maxBytes) {
        return new InvalidImageException(Reason.TOO_LARGE, uri + " holds more than " + maxBytes
                + " bytes (setting input.max-bytes)");
    }

    private byte[] readFile(String uri, Path p) throws InvalidImageException {
        Path real;
        BasicFileAttributes attributes;
        try {
            real = p.toRealPath();
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new InvalidImageException(Reason.FETCH_FAILED, "cannot read " + uri + ": " + e);
        }
        // Checked again on the resolved path: a link inside an allowed folder may point outside it.
        if (allowedDirs.stream().noneMatch(real::startsWith)) {
            throw notAllowed(uri, "it resolves to " + real + ", outside the allowed folders");
        }
        // Before opening: opening a FIFO blocks until someone writes to it, a device may never end.
        if (!attributes.isRegularFile()) {
            throw notAllowed(uri, real + " is " + (attributes.isDirectory() ? "a directory" : "a FIFO, socket or "
                    + "device") + ", not a regular file; name an image file");
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(uri, maxBytes);
        }
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(uri, maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new InvalidImageException(Reason.FETCH_FAILED, "cannot read " + uri + ": " + e);
        }
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
