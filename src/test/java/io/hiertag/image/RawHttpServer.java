package io.hiertag.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 server on 127.0.0.1 written on a raw socket, so that a test can send headers late, trickle a body or
 * never end it. Each connection serves one request: it plays the script for the request path, then closes. The
 * server notes when each connection closed; while a script still runs, only the client can have closed it, which
 * shows that a fetch given up on really stopped reading. It also counts the requests for each path, so that a
 * test can tell whether a uri was fetched again. Its threads are named {@code test-server-*}.
 */
public final class RawHttpServer implements AutoCloseable {

    /** What the server sends on one connection. */
    public interface Script {
        void play(Connection c) throws IOException, InterruptedException;
    }

    /** One accepted connection, as the script sees it. */
    public static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final String path;
        private final AtomicLong sent;
        private final CountDownLatch closed = new CountDownLatch(1);

        private Connection(Socket socket, String path, AtomicLong sent) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.path = path;
            this.sent = sent;
        }

        /** The request's path and query. */
        public String path() {
            return path;
        }

        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            sent.addAndGet(bytes.length);
        }

        /** Sleeps, but ends the script (with an exception) as soon as the client has closed the connection. */
        public void pause(long millis) throws IOException, InterruptedException {
            if (closed.await(millis, TimeUnit.MILLISECONDS)) {
                throw new IOException("the client closed the connection");
            }
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final List<Long> closedAt = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> requests = new ConcurrentHashMap<>();

    public RawHttpServer(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.script = script;
        thread("test-server-accept", this::accept).start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many requests each path (with its query) received so far. */
    public Map<String, Integer> requests() {
        return Map.copyOf(requests);
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Bytes written to all clients so far, headers included. */
    long sent() {
        return sent.get();
    }

    /**
     * Waits until every accepted connection has closed; returns {@link System#nanoTime()} of the last close, or -1
     * when none was accepted or some is still open after {@code timeout}.
     */
    public long awaitAllClosed(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (closedAt.size() < connections.get() || connections.get() == 0) {
            if (System.nanoTime() > end) {
                return -1;
            }
            Thread.sleep(10);
        }
        return closedAt.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n = connections.incrementAndGet();
                thread("test-server-conn-" + n, () -> serve(s, n)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int n) {
        try (socket) {
            InputStream in = socket.getInputStream();
            Connection c = new Connection(socket, requestPath(in), sent);
            requests.merge(c.path(), 1, Integer::sum);
            // The request has been read; the client sends nothing more, so a read ends only when it closes.
            thread("test-server-watch-" + n, () -> {
                try {
                    while (in.read() != -1) {
                        // ignore anything else
                    }
                } catch (IOException e) {
                    // reset by the client, or closed here after the script: closed as well
                }
                closedAt.add(System.nanoTime());
                c.closed.countDown();
            }).start();
            script.play(c);
        } catch (IOException | InterruptedException e) {
            // the client went away mid-script, or the server is closing
        }
    }

    private static String requestPath(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("the client closed before sending a request");
            }
            head.append((char) b);
        }
        return head.toString().split(" ", 3)[1];
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
