package io.chaintrack.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The TCP sockets in LISTEN state as Linux reports them in /proc/net/tcp and tcp6. */
final class ListeningSockets {
    record Listening(String address, int port, long inode) {
        boolean loopback() {
            return address.equals("127.0.0.1") || address.startsWith("127.") || address.equals("::1")
                    || address.equals("::ffff:127.0.0.1");
        }

        @Override
        public String toString() {
            return address + ":" + port;
        }
    }

    private ListeningSockets() {}

    static List<Listening> all() throws IOException {
        List<Listening> out = new ArrayList<>();
        read(Path.of("/proc/net/tcp"), false, out);
        read(Path.of("/proc/net/tcp6"), true, out);
        return out;
    }

    /** Those whose socket is open in this JVM (embedded Kafka, Flink, the API). */
    static List<Listening> ofThisProcess() throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // fds come and go while listing
                }
            }
        }
        return all().stream().filter(l -> inodes.contains(l.inode())).toList();
    }

    private static void read(Path table, boolean v6, List<Listening> out) throws IOException {
        if (!Files.exists(table)) {
            return;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (!f[3].equals("0A")) {
                continue;
            }
            String[] local = f[1].split(":");
            out.add(new Listening(v6 ? v6(local[0]) : v4(local[0]), Integer.parseInt(local[1], 16), Long.parseLong(f[9])));
        }
    }

    /** /proc prints the address as host-order 32-bit words: 0100007F is 127.0.0.1. */
    private static String v4(String hex) {
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }

    private static String v6(String hex) {
        StringBuilder bytes = new StringBuilder();
        for (int w = 0; w < 4; w++) {
            String word = hex.substring(w * 8, w * 8 + 8);
            for (int b = 3; b >= 0; b--) {
                bytes.append(word, b * 2, b * 2 + 2);
            }
        }
        String b = bytes.toString();
        if (b.equals("00000000000000000000000000000000")) {
            return "::";
        }
        if (b.equals("00000000000000000000000000000001")) {
            return "::1";
        }
        if (b.startsWith("00000000000000000000ffff") || b.startsWith("00000000000000000000FFFF")) {
            return "::ffff:" + v4(b.substring(30, 32) + b.substring(28, 30) + b.substring(26, 28) + b.substring(24, 26));
        }
        return b;
    }
}
