package dev.promptengine.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaCompatibilityTests {

    private static final ReleasedSchemas RELEASED = ReleasedSchemas.load();

    static Stream<Arguments> everyReleasedVersion() {
        return ReleasedSchemas.EVENT_TYPES.stream().flatMap(type -> {
            List<Schema> versions = RELEASED.versionsOf(type);
            return Stream.iterate(0, i -> i < versions.size(), i -> i + 1)
                    .map(i -> Arguments.of(type.getSimpleName() + " v" + (i + 1), current(type), versions.get(i)));
        });
    }

    @ParameterizedTest(name = "current reads {0}")
    @MethodSource("everyReleasedVersion")
    void currentSchemaReadsEveryReleasedVersion(String label, Schema current, Schema released) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);

        assertThat(result.getType())
                .as("backward compatibility with %s: %s", label, result.getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest(name = "{0} reads current")
    @MethodSource("everyReleasedVersion")
    void everyReleasedVersionReadsCurrentSchema(String label, Schema current, Schema released) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(released, current);

        assertThat(result.getType())
                .as("forward compatibility with %s: %s", label, result.getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void currentSchemaIsTheLatestReleasedVersion(Class<? extends SpecificRecord> type) {
        List<Schema> versions = RELEASED.versionsOf(type);

        assertThat(versions).as("released versions of %s", type.getSimpleName()).isNotEmpty();
        assertThat(SchemaNormalization.parsingFingerprint64(versions.get(versions.size() - 1)))
                .as(
                        "%s changed without a new released version file: add v%d.avsc",
                        type.getSimpleName(), versions.size() + 1)
                .isEqualTo(SchemaNormalization.parsingFingerprint64(current(type)));
    }

    static Stream<Class<? extends SpecificRecord>> eventTypes() {
        return ReleasedSchemas.EVENT_TYPES.stream();
    }

    private static Schema current(Class<? extends SpecificRecord> type) {
        return SpecificData.getForClass(type).getSchema(type);
    }
}
