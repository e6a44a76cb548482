package dev.promptengine.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every way of spelling a path that decoding or normalisation could read differently from the
 * canonical one, and a raw-socket request that sends a spelling exactly as written (HTTP clients
 * normalise paths). Services' tests send each spelling of each protected endpoint and expect it to be
 * refused (400, 401, 403, 404, 405), never served (2xx) and never a crash (5xx).
 */
public final class PathSpellings {

    private PathSpellings() {}

    /** Spellings of a canonical path such as {@code /v1/prices/42}; the canonical path itself is not among them. */
    public static List<String> of(String canonical) {
        if (!canonical.startsWith("/") || canonical.length() < 3) {
            throw new IllegalArgumentException("not a path: " + canonical);
        }
        String rest = canonical.substring(2); // after "/<first character>"
        int lastSlash = canonical.lastIndexOf('/');
        String head = canonical.substring(0, lastSlash + 1);
        String last = canonical.substring(lastSlash + 1);
        var spellings = new ArrayList<String>();
        spellings.add("/" + percent(canonical.charAt(1)) + rest);
        if (!last.isEmpty()) {
            spellings.add(head + percent(last.charAt(0)) + last.substring(1));
        }
        spellings.add(canonical.toUpperCase());
        spellings.add(canonical + "/");
        spellings.add(canonical + ";x=1");
        int secondSlash = canonical.indexOf('/', 1);
        spellings.add(
                secondSlash < 0
                        ? canonical + ";"
                        : canonical.substring(0, secondSlash) + ";x" + canonical.substring(secondSlash));
        spellings.add("/" + canonical);
        spellings.add(head + "/" + last);
        spellings.add("/." + canonical);
        spellings.add(head + "./" + last);
        spellings.add("/x/.." + canonical);
        spellings.add(head + "x/%2e%2e/" + last);
        spellings.add(head.substring(0, head.length() - 1) + "%2F" + last);
        spellings.add(head.substring(0, head.length() - 1) + "%2f" + last);
        spellings.add(head.substring(0, head.length() - 1) + "\\" + last);
        spellings.add(canonical + "%00");
        spellings.add(canonical + "%2500");
        spellings.add(canonical + "%3Bx");
        spellings.add("/actuator/health/../.." + canonical);
        spellings.add("/actuator/health/..%2F.." + canonical);
        spellings.add("/js/..;" + canonical);
        spellings.add("/css/%2e%2e" + canonical);
        spellings.add("/swagger-ui/..%2f.." + canonical);
        return List.copyOf(spellings);
    }

    /** The HTTP status of one request sent with its path exactly as spelled. */
    public static int status(int port, String method, String path, String apiKey, String jsonBody) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            var request = new StringBuilder()
                    .append(method)
                    .append(' ')
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            if (apiKey != null) {
                request.append("Authorization: Bearer ").append(apiKey).append("\r\n");
            }
            byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
            if (jsonBody != null) {
                request.append("Content-Type: application/json\r\nContent-Length: ")
                        .append(body.length)
                        .append("\r\n");
            }
            request.append("\r\n");
            var out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            var reader =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String statusLine = reader.readLine();
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP status line for " + method + " " + path + ": " + statusLine);
            }
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    private static String percent(char c) {
        return String.format("%%%02X", (int) c);
    }
}
