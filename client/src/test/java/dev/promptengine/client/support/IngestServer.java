package dev.promptengine.client.support;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.ingest.IngestServiceApplication;
import dev.promptengine.service.auth.ApiKeys;
import dev.promptengine.testsupport.TestKafka;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real ingest-service in this JVM on a fixed port of 127.0.0.1, as its own Kafka principal, with
 * one publisher key of tenant {@code acme}. Settings go in as command-line arguments, which win
 * over the service's application.yml.
 */
public final class IngestServer implements AutoCloseable {

    public static final String PUBLISHER_KEY = "pe_test_client_publisher_acme";
    public static final String TENANT = "acme";

    private final int port;
    private final List<String> kafkaArguments;
    private ConfigurableApplicationContext context;

    private IngestServer(int port, List<String> kafkaArguments) {
        this.port = port;
        this.kafkaArguments = kafkaArguments;
    }

    /** Starts ingest-service on {@code port}, on the shared test broker. */
    public static IngestServer start(int port) {
        return start(port, TestKafka.springArguments(KafkaUser.INGEST));
    }

    /** Starts ingest-service on {@code port}, on the broker that {@code kafkaArguments} name. */
    public static IngestServer start(int port, List<String> kafkaArguments) {
        var server = new IngestServer(port, kafkaArguments);
        server.restart();
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts it again on the same port (after {@link #stop}). */
    public void restart() {
        var args = new ArrayList<String>();
        args.add("--server.port=" + port);
        args.add("--server.address=127.0.0.1");
        args.add("--spring.main.banner-mode=off");
        args.addAll(kafkaArguments);
        args.add("--promptengine.auth.keys[0].name=client-publisher");
        args.add("--promptengine.auth.keys[0].tenant=" + TENANT);
        args.add("--promptengine.auth.keys[0].role=PUBLISHER");
        args.add("--promptengine.auth.keys[0].sha256=" + ApiKeys.sha256Hex(PUBLISHER_KEY));
        context = new SpringApplicationBuilder(IngestServiceApplication.class).run(args.toArray(String[]::new));
    }

    /** Stops it as an operator would (graceful shutdown: requests under way are answered). */
    public void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
