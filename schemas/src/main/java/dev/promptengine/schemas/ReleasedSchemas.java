package dev.promptengine.schemas;

import dev.promptengine.events.Alert;
import dev.promptengine.events.ApiKey;
import dev.promptengine.events.CostCorrection;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.ModelPrice;
import dev.promptengine.events.PriceDiscount;
import dev.promptengine.events.PromptUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema version ever released, per event type, read from {@code <base>/<Type>/v<n>.avsc} on
 * the classpath (v1, v2, ... until the first gap). A released file is never edited; a schema change
 * adds the next version.
 */
public final class ReleasedSchemas {

    public static final String DEFAULT_BASE = "dev/promptengine/schemas/released";

    public static final List<Class<? extends SpecificRecord>> EVENT_TYPES = List.of(
            PromptUsage.class,
            LlmExecution.class,
            CostedLlmExecution.class,
            CostCorrection.class,
            ModelPrice.class,
            PriceDiscount.class,
            ApiKey.class,
            Alert.class);

    private final Map<Class<? extends SpecificRecord>, List<Schema>> versions;

    private ReleasedSchemas(Map<Class<? extends SpecificRecord>, List<Schema>> versions) {
        this.versions = versions;
    }

    public static ReleasedSchemas load() {
        return load(DEFAULT_BASE);
    }

    static ReleasedSchemas load(String base) {
        Map<Class<? extends SpecificRecord>, List<Schema>> versions = new LinkedHashMap<>();
        for (var type : EVENT_TYPES) {
            versions.put(type, readVersions(base, type.getSimpleName()));
        }
        return new ReleasedSchemas(versions);
    }

    /** Released versions of a type, oldest first. */
    public List<Schema> versionsOf(Class<? extends SpecificRecord> type) {
        return versions.getOrDefault(type, List.of());
    }

    public Map<Class<? extends SpecificRecord>, List<Schema>> all() {
        return versions;
    }

    private static List<Schema> readVersions(String base, String typeName) {
        var loader = ReleasedSchemas.class.getClassLoader();
        List<Schema> schemas = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = base + "/" + typeName + "/v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return List.copyOf(schemas);
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read released schema " + path, e);
            }
        }
    }
}
