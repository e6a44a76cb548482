package dev.promptengine.bench.ingest;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.Services;
import dev.promptengine.bench.Target;
import dev.promptengine.bench.workload.Workload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Map;

/**
 * The cost of content encryption at rest (issue 17): two ingest-service instances in the same run,
 * one sealing every content field (AES-256-GCM under a per-tenant data key, docs/privacy.md) and
 * one not, each taking the same {@code POST /v1/events} batches of 100 events (~1 KB of content,
 * default redaction on) from {@link HttpIngestScenario#CLIENT_THREADS} connections, one after the
 * other in alternating order per run. The clear instance is the baseline. Sealing is checked to
 * have happened: the sealing instance must have created the tenant's key-encryption key.
 */
public final class SealedIngestScenario implements Scenario {

    static final MetricSpec CLEAR = MetricSpec.throughput(
            "ingest.sealing.off", "HTTP ingest, batches of 100 (~1 KB content), encryption off", "events/s");
    static final MetricSpec SEALED = MetricSpec.throughput(
            "ingest.sealing.on",
            "HTTP ingest, the same batches, content sealed (encryption on)",
            "events/s",
            Target.timesOf(0.85, CLEAR.id()));

    @Override
    public String name() {
        return "sealed-ingest";
    }

    @Override
    public String description() {
        return "ingest-service with content encryption on vs off: POST /v1/events batches of 100, same run";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        context.services().require(HttpIngestScenario.MODULE);
        String kafka = context.infrastructure().kafka();
        Path keys = Files.createTempDirectory("pe-bench-keys-");
        var clear = context.services().start(HttpIngestScenario.MODULE, kafka, null, Map.of());
        var sealing = context.services()
                .start(
                        HttpIngestScenario.MODULE,
                        kafka,
                        null,
                        Map.of(
                                "promptengine.privacy.encryption.enabled",
                                "true",
                                "promptengine.privacy.encryption.key-directory",
                                keys.toString()));
        String key = context.services().keys().publisher();
        int requests = Math.max(HttpIngestScenario.CLIENT_THREADS, context.scaled(600));
        var workload = new Workload(17);
        context.note(String.format(
                "%,d requests of %d events per instance and run from %d keep-alive connections (requests encoded"
                        + " before the clock); the two instances take turns, the first alternating per run; the"
                        + " sealing one seals parameters, rendered content, messages, response and error message",
                requests, HttpIngestScenario.BATCH, HttpIngestScenario.CLIENT_THREADS));

        var clearRates = new ArrayList<Double>();
        var sealedRates = new ArrayList<Double>();
        int[] turn = {0};
        context.repeat("batches of 100, encryption off and on", () -> {
            boolean sealedFirst = turn[0]++ % 2 == 1;
            double first = post(sealedFirst ? sealing : clear, workload, key, requests);
            double second = post(sealedFirst ? clear : sealing, workload, key, requests);
            double sealedRate = sealedFirst ? first : second;
            double clearRate = sealedFirst ? second : first;
            clearRates.add(clearRate);
            sealedRates.add(sealedRate);
            return String.format(
                    "off %,.0f events/s, on %,.0f events/s (%.1f %%)",
                    clearRate, sealedRate, 100 * sealedRate / clearRate);
        });
        Path tenantKeys = keys.resolve(HexFormat.of().formatHex(Services.TENANT.getBytes(StandardCharsets.UTF_8)));
        if (!Files.isRegularFile(tenantKeys.resolve("v1.key"))) {
            throw new IllegalStateException(
                    "the sealing instance created no key-encryption key in " + tenantKeys + ": it did not seal");
        }
        context.record(CLEAR, HttpIngestScenario.last(clearRates, context), "baseline, same run");
        context.record(SEALED, HttpIngestScenario.last(sealedRates, context), null);
    }

    private static double post(Services.Service service, Workload workload, String key, int requests) throws Exception {
        var events = service.uri("/v1/events");
        var bodies = HttpIngestScenario.batches(workload, events, key, requests, new ArrayList<>());
        return HttpIngestScenario.postAll(events, bodies, HttpIngestScenario.CLIENT_THREADS) * HttpIngestScenario.BATCH;
    }
}
