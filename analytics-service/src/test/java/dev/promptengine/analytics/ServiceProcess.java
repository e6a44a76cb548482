package dev.promptengine.analytics;

import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * analytics-service as a child JVM on the test classpath, so a test can kill it for real
 * ({@code SIGKILL}), stop it gracefully ({@code SIGTERM}) or freeze it ({@code SIGSTOP}).
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    public ServiceProcess(
            String name, TestPostgres.Database database, String usageTopic, String costedTopic, String group) {
        this(name, database, usageTopic, costedTopic, group, Map.of());
    }

    /** @param overrides settings replacing the interrupt-friendly test defaults (small batches, quick rebalances) */
    public ServiceProcess(
            String name,
            TestPostgres.Database database,
            String usageTopic,
            String costedTopic,
            String group,
            Map<String, String> overrides) {
        this.name = name;
        this.log = Path.of("target", "service-processes", name + ".log");
        var settings = new LinkedHashMap<String, String>();
        settings.put("server.port", "0");
        settings.put("spring.datasource.url", database.url());
        settings.put("spring.datasource.username", database.username());
        settings.put("spring.datasource.password", database.password());
        settings.put("spring.kafka.bootstrap-servers", TestKafka.bootstrapServers());
        settings.put("promptengine.kafka.username", "admin");
        settings.put("promptengine.kafka.password", TestKafka.adminPassword());
        settings.put("spring.kafka.consumer.group-id", group);
        // small batches and quick rebalances: many transactions and handovers to interrupt
        settings.put("spring.kafka.consumer.max-poll-records", "300");
        settings.put("spring.kafka.consumer.properties.session.timeout.ms", "6000");
        settings.put("spring.kafka.consumer.properties.heartbeat.interval.ms", "1000");
        settings.put("promptengine.topics.create", "false");
        settings.put("promptengine.analytics.instance-id", name);
        settings.put("promptengine.analytics.topics.usage", usageTopic);
        settings.put("promptengine.analytics.topics.execution-costed", costedTopic);
        settings.put("spring.main.banner-mode", "off");
        settings.put("spring.main.web-application-type", "none"); // starts faster; only the write path is under test
        settings.putAll(overrides);
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command = new ArrayList<>(List.of(
                java,
                "-Xmx512m",
                // the interrupt-friendly default favours start-up time over peak speed
                overrides.isEmpty() ? "-XX:TieredStopAtLevel=1" : "-XX:+UseParallelGC",
                "-cp",
                System.getProperty("java.class.path"),
                AnalyticsServiceApplication.class.getName()));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
    }

    public ServiceProcess start() {
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
    }

    /** SIGKILL: no shutdown hooks, an open transaction is rolled back by PostgreSQL. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: graceful shutdown (the current batch finishes, the group rebalances). */
    public void stop() {
        process.destroy();
        waitFor();
    }

    public void freeze() {
        signal("STOP");
    }

    public void thaw() {
        signal("CONT");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public File logFile() {
        return log.toFile();
    }

    private void signal(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (isAlive()) {
            thaw();
            kill();
        }
    }
}
