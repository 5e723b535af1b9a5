package dev.sparkd.core.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** TCP ports on 127.0.0.1, the only address the embedded PostgreSQL listens on. */
final class LoopbackPorts {

    static final String HOST = "127.0.0.1";

    private LoopbackPorts() {
    }

    /**
     * A port that is free right now. Another process may take it before PostgreSQL binds it, so the
     * caller retries with a new port when PostgreSQL reports "Address already in use".
     */
    static int pickFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // what PostgreSQL does, so TIME_WAIT leftovers don't count as taken
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static EmbeddedPostgresException portTaken(int port) {
        return new EmbeddedPostgresException("port " + port + " on " + HOST + " is already in use, so the embedded"
                + " PostgreSQL cannot listen on it; choose another port, or port 0 to pick a free one at every start, or set [database] url"
                + " to use the PostgreSQL server that is already there");
    }
}
