package dev.promptengine.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the services as child processes from their exec jars, the way an operator would, on free
 * loopback ports with the bench's broker and database, so that their heap and RSS can be measured
 * per process. Each gets {@code -Xmx512m} (the per-service heap target of issue 8) and a GC log
 * from which the peak heap in use is read.
 */
public final class Services {

    public static final String VERSION = "0.1.0-SNAPSHOT";
    static final String HEAP = "512m";

    /** Raw API keys of this run; the services only get their SHA-256. */
    public record Keys(String publisher, String analyst, String admin) {}

    private final Path repo;
    private final Path logs;
    private final Keys keys = new Keys(
            "pe_bench_pub_" + UUID.randomUUID(),
            "pe_bench_ana_" + UUID.randomUUID(),
            "pe_bench_adm_" + UUID.randomUUID());
    private final List<Service> running = new CopyOnWriteArrayList<>();
    private int started;

    Services(Path repo) {
        this.repo = repo;
        this.logs = repo.resolve("bench/target/logs");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "bench-services-stop"));
    }

    public Keys keys() {
        return keys;
    }

    public Path jar(String module) {
        return repo.resolve(module).resolve("target").resolve(module + "-" + VERSION + "-exec.jar");
    }

    /** Fails with {@link Scenario.Skipped} when the module's exec jar has not been built. */
    public void require(String module) {
        if (!Files.isRegularFile(jar(module))) {
            throw new Scenario.Skipped(module + " exec jar not built (" + repo.relativize(jar(module))
                    + "); bin/bench builds it with ./mvnw -q -pl " + module + " -am package -DskipTests");
        }
    }

    /**
     * Starts a service and waits until {@code /actuator/health} answers UP. {@code properties}
     * are extra Spring properties ({@code name -> value}).
     */
    public synchronized Service start(
            String module, String kafka, Infrastructure.Database database, Map<String, String> properties)
            throws IOException, InterruptedException {
        require(module);
        Files.createDirectories(logs);
        int port = freePort();
        String tag = module + "-" + (++started);
        Path log = logs.resolve(tag + ".log");
        Path gcLog = logs.resolve(tag + "-gc.log");
        var command = new ArrayList<>(List.of(javaBinary(), "-Xmx" + HEAP, "-Xlog:gc:file=" + gcLog));
        // extra JVM options for every service process, e.g. a JFR recording while profiling
        String extra =
                System.getenv().getOrDefault("PE_BENCH_SERVICE_JAVA_OPTS", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.replace("{service}", tag).split("\\s+")));
        }
        command.addAll(List.of(
                "-jar",
                jar(module).toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + kafka,
                "--promptengine.topics.partitions=6"));
        command.addAll(dev.promptengine.bench.workload.KafkaClients.springArguments());
        if (database != null) {
            command.add("--spring.datasource.url=" + database.url());
            command.add("--spring.datasource.username=" + database.username());
            command.add("--spring.datasource.password=" + database.password());
        }
        addKey(command, 0, "bench-publisher", "PUBLISHER", keys.publisher());
        addKey(command, 1, "bench-analyst", "ANALYST", keys.analyst());
        addKey(command, 2, "bench-admin", "PLATFORM_ADMIN", keys.admin()); // rebuild is cross-tenant
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        var service = new Service(module, port, process, log, gcLog);
        running.add(service);
        service.awaitHealthy(Duration.ofMinutes(4));
        return service;
    }

    public static final String TENANT = "bench";

    private static void addKey(List<String> command, int index, String name, String role, String raw) {
        String prefix = "--promptengine.auth.keys[" + index + "].";
        command.add(prefix + "name=" + name);
        command.add(prefix + "tenant=" + TENANT);
        command.add(prefix + "role=" + role);
        command.add(prefix + "sha256=" + sha256(raw));
    }

    static String sha256(String raw) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void stopAll() {
        for (Service service : running) {
            service.stop();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Peak heap from the GC log and peak RSS from the kernel, read while the process is alive. */
    public record Memory(double peakHeapUsedMiB, double heapCommittedMiB, double peakRssMiB, double rssMiB) {}

    /** A running service process. */
    public final class Service {

        private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

        private final String module;
        private final int port;
        private final Process process;
        private final Path log;
        private final Path gcLog;
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private Service(String module, int port, Process process, Path log, Path gcLog) {
            this.module = module;
            this.port = port;
            this.process = process;
            this.log = log;
            this.gcLog = gcLog;
        }

        public String module() {
            return module;
        }

        public URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        public long pid() {
            return process.pid();
        }

        void awaitHealthy(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(module + " exited with " + process.exitValue() + ":\n" + tail());
                }
                try {
                    var response = http.send(
                            HttpRequest.newBuilder(uri("/actuator/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    last = response.statusCode() + " " + response.body();
                    if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                        return;
                    }
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException(module + " not healthy after " + timeout + ": " + last + "\n" + tail());
        }

        /** Freezes the process (SIGSTOP) so a backlog can be built up without it consuming. */
        public void suspend() throws IOException, InterruptedException {
            signal("-STOP");
        }

        public void resume() throws IOException, InterruptedException {
            signal("-CONT");
        }

        private void signal(String signal) throws IOException, InterruptedException {
            int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        }

        public Memory memory() {
            double peakHeap = 0;
            double committed = 0;
            try {
                for (String line : Files.readAllLines(gcLog)) {
                    var matcher = GC_HEAP.matcher(line);
                    if (matcher.find()) {
                        peakHeap = Math.max(peakHeap, Double.parseDouble(matcher.group(1)));
                        committed = Math.max(committed, Double.parseDouble(matcher.group(3)));
                    }
                }
            } catch (IOException e) {
                // no GC yet: heap peak unknown (reported as 0)
            }
            double hwm = 0;
            double rss = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    } else if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    }
                }
            } catch (IOException e) {
                // process gone
            }
            return new Memory(peakHeap, committed, hwm, rss);
        }

        public String tail() {
            try {
                var lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        public void stop() {
            if (!running.remove(this)) {
                return;
            }
            try {
                signal("-CONT");
            } catch (Exception e) {
                // it may not have been suspended
            }
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
