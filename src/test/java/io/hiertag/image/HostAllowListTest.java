package io.hiertag.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The syntax of input.uri.allowed-hosts and what each kind of entry lets through. */
class HostAllowListTest {

    private static boolean allows(HostAllowList list, String uri) {
        return list.allows(URI.create(uri));
    }

    @Test
    void aBareHostAllowsOnlyTheSchemesDefaultPort() {
        HostAllowList list = HostAllowList.parse(List.of("Images.Example.com"));
        assertTrue(allows(list, "http://images.example.com/a.png"));
        assertTrue(allows(list, "http://images.example.com:80/a.png"));
        assertTrue(allows(list, "https://IMAGES.example.com/a.png"));
        assertTrue(allows(list, "https://images.example.com:443/a.png"));
        assertFalse(allows(list, "http://images.example.com:443/a.png"));
        assertFalse(allows(list, "https://images.example.com:80/a.png"));
        assertFalse(allows(list, "http://images.example.com:9092/a.png"));
        assertFalse(allows(list, "http://other.example.com/a.png"));
    }

    @Test
    void hostAndPortAllowsExactlyThatPort() {
        HostAllowList list = HostAllowList.parse(List.of(" localhost:8080 "));
        assertTrue(allows(list, "http://localhost:8080/a.png"));
        assertTrue(allows(list, "https://localhost:8080/a.png"));
        assertFalse(allows(list, "http://localhost/a.png"));
        assertFalse(allows(list, "http://localhost:8081/a.png"));
        assertEquals("[localhost:8080]", list.toString());
    }

    @Test
    void ipv6LiteralsGoInBracketsAndMatchAnySpelling() {
        HostAllowList list = HostAllowList.parse(List.of("[::1]:8080", "[2001:DB8::5]"));
        assertTrue(allows(list, "http://[::1]:8080/a.png"));
        assertTrue(allows(list, "http://[0:0:0:0:0:0:0:1]:8080/a.png"));
        assertFalse(allows(list, "http://[::1]:8081/a.png"));
        assertFalse(allows(list, "http://[::1]/a.png"));
        assertTrue(allows(list, "https://[2001:db8:0::5]/a.png"));
        assertFalse(allows(list, "https://[2001:db8::6]/a.png"));
        assertEquals("[::1]:8080", HostAllowList.target(URI.create("http://[::1]:8080/a.png")));
        assertEquals("[::1]:443", HostAllowList.target(URI.create("https://[::1]/a.png")));
    }

    @Test
    void entriesThatAreNotHostOrHostAndPortAreRefusedWithTheSyntax() {
        for (String bad : List.of("::1", "host:0", "host:65536", "host:port", "host/path", "user@host", "", "a b",
                "http://host")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostAllowList.parse(List.of(bad)), bad);
            assertTrue(e.getMessage().contains("'" + bad + "' is not host or host:port")
                    && e.getMessage().contains("[::1]:8080"), e.getMessage());
        }
    }
}
