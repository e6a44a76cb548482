package dev.promptengine.analytics;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.promptengine.analytics.rollup.RollupShape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Package rules of analytics-service, checked on the compiled main classes: the feature packages
 * depend on each other without cycles, and only the rollup catalogue names rollup tables.
 */
class ArchitectureTests {

    private static final String ROOT = "dev.promptengine.analytics";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /**
     * A rollup table name, or a fragment a name could be assembled from ({@code "execution" +
     * "_summary_" + grain}). Every string constant of a class, text blocks and {@code formatted}
     * templates included, is stored verbatim in its class file's constant pool (ASCII is the same in
     * the class file's modified UTF-8), so searching the class file's bytes finds every spelling of
     * a table name in code, whichever way the SQL is built.
     */
    private static final Pattern ROLLUP_TABLE_NAME =
            Pattern.compile("_rollup_|_summary_|(execution|usage)_(rollup|summary)");

    @Test
    void featurePackagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheRollupCatalogueNamesRollupTables() throws IOException {
        var naming = new TreeSet<String>();
        int scanned = 0;
        for (JavaClass type : MAIN) {
            if (type.getPackageName().equals(RollupShape.class.getPackageName())) {
                continue;
            }
            scanned++;
            if (ROLLUP_TABLE_NAME.matcher(constantPoolText(type)).find()) {
                naming.add(type.getName());
            }
        }
        assertThat(scanned).as("classes scanned").isGreaterThan(100);
        assertThat(naming)
                .as("classes outside the rollup package naming rollup tables")
                .isEmpty();
    }

    @Test
    void theRuleSeesTheCatalogueItself() throws IOException {
        var catalogue = MAIN.get(RollupShape.class);
        for (String table : RollupShape.tables()) {
            assertThat(constantPoolText(catalogue)).contains(table);
        }
        assertThat(ROLLUP_TABLE_NAME.matcher(constantPoolText(catalogue)).find())
                .isTrue();
    }

    /** The class file's bytes as Latin-1 text: every string constant appears in it as written. */
    private static String constantPoolText(JavaClass type) throws IOException {
        var location = type.getSource().orElseThrow().getUri().toURL();
        try (InputStream in = location.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
