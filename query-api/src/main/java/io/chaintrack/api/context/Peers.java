package io.chaintrack.api.context;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A peer as per-client limits count it: its IP address without the port (one client opens many connections). */
public final class Peers {
    private Peers() {}

    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return address == null ? null : address.toString();
    }
}
