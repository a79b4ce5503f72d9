package io.hiertag;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.hiertag.avro.DeadLetter;
import io.hiertag.avro.PendingImage;
import io.hiertag.image.LayeringViolationFixture;
import io.hiertag.model.ModelContract;
import io.hiertag.zeroshot.EncodingProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, over the compiled main classes: a package may use only packages
 * of lower layers (never one of its own layer or above), plus the "must not" rules that layers alone do not
 * express. The generated Avro records ({@code io.hiertag.avro}) are the wire schema and sit outside the layers.
 */
class ArchitectureTest {

    private static final String BASE = "io.hiertag.";

    /** Each package's layer, bottom up; keep in step with the table in docs/architecture.md. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("labels", 0), Map.entry("samples", 0),
            Map.entry("image", 1), Map.entry("text", 1), Map.entry("zeroshot", 1),
            Map.entry("model", 2),
            Map.entry("testmodel", 3), Map.entry("config", 3),
            Map.entry("tagging", 4), Map.entry("kafka", 4), Map.entry("ops", 4), Map.entry("convert", 4),
            Map.entry("streams", 5), Map.entry("eval", 5),
            Map.entry("bench", 6),
            Map.entry("cli", 7));

    private static final String AVRO = BASE + "avro..";
    private static final String[] KAFKA = {"org.apache.kafka..", BASE + "kafka..", BASE + "streams.."};
    private static final String[] MODEL_RUNTIME = {"ai.djl..", "org.tensorflow.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.hiertag");
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> packages = main.stream().map(JavaClass::getPackageName)
                .filter(p -> !p.equals(BASE + "avro"))
                .map(p -> p.substring(BASE.length()).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(LAYERS.keySet()), packages, "add a new package to LAYERS and the docs");
    }

    @Test
    void packagesUseOnlyLowerLayers() {
        List<String> violations = new ArrayList<>();
        LAYERS.keySet().stream().sorted().forEach(p -> violations.addAll(failures(layering(p), main)));
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    void theDomainKnowsNeitherKafkaNorTheWireFormat() {
        check(noClasses().that().resideInAnyPackage(packages("labels", "image", "text", "zeroshot", "model",
                        "testmodel", "config"))
                .should().dependOnClassesThat().resideInAnyPackage(concat(KAFKA, AVRO))
                .because("only tagging and the layers above it handle events"));
    }

    @Test
    void onlyOpsKnowsTheMetricsLibrary() {
        check(noClasses().that().resideOutsideOfPackage(BASE + "ops..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..")
                .because("the meters live in ops; the layers below take plain callbacks"));
    }

    @Test
    void imagesTextsAndMathsKnowNoModel() {
        check(noClasses().that().resideInAnyPackage(packages("labels", "image", "text", "zeroshot"))
                .should().dependOnClassesThat().resideInAnyPackage(MODEL_RUNTIME)
                .because("they take plain values; only model runs TensorFlow"));
    }

    @Test
    void theTaggingEngineKnowsNoKafka() {
        check(noClasses().that().resideInAPackage(BASE + "tagging..")
                .should().dependOnClassesThat(resideInAnyPackage(KAFKA)
                        .or(equivalentTo(PendingImage.class)).or(equivalentTo(DeadLetter.class)))
                .because("the stream, evaluate and bench share it; batch-buffer records and dead letters are the "
                        + "stream's"));
    }

    @Test
    void theStreamDoesNoImageOrModelWork() {
        check(noClasses().that().resideInAPackage(BASE + "streams..")
                .should().dependOnClassesThat(resideInAnyPackage(packages("image", "text", "model", "testmodel"))
                        .or(resideInAnyPackage(MODEL_RUNTIME))
                        .or(resideInAPackage(BASE + "zeroshot..").and(not(equivalentTo(EncodingProgress.class)))))
                .because("processors call tagging, which owns decoding, the model and the method's maths"));
    }

    /**
     * The same layering over the source files' import lines, which also sees what leaves no trace in the class
     * files (an import used only for a compile-time constant, or not used at all).
     */
    @Test
    void sourceImportsFollowTheLayers() throws IOException {
        Pattern ours = Pattern.compile("^import (?:static )?io\\.hiertag\\.(\\w+)\\.", Pattern.MULTILINE);
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java/io/hiertag");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file).getName(0).toString();
                if (!LAYERS.containsKey(pkg)) {
                    continue; // everyPackageHasALayer names it
                }
                Matcher m = ours.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && !used.equals("avro") && LAYERS.getOrDefault(used, Integer.MAX_VALUE)
                            >= LAYERS.get(pkg)) {
                        violations.add(file + " imports " + used + " (layer " + LAYERS.get(used) + "), but " + pkg
                                + " is in layer " + LAYERS.get(pkg) + " and may use only lower layers");
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /** The layering rule must catch a forbidden import: here an image class that uses the model contract. */
    @Test
    void layeringRuleCatchesAForbiddenImport() {
        JavaClasses withViolation = new ClassFileImporter()
                .importClasses(LayeringViolationFixture.class, ModelContract.class);
        List<String> found = failures(layering("image"), withViolation);
        assertFalse(found.isEmpty(), "the rule for image must fail on " + LayeringViolationFixture.class);
        assertTrue(found.get(0).contains("ModelContract"), found.get(0));
    }

    private static ArchRule layering(String pkg) {
        int layer = LAYERS.get(pkg);
        String[] notBelow = LAYERS.entrySet().stream()
                .filter(e -> e.getValue() >= layer && !e.getKey().equals(pkg))
                .map(e -> BASE + e.getKey() + "..")
                .toArray(String[]::new);
        return noClasses().that().resideInAPackage(BASE + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(notBelow)
                .because(pkg + " is in layer " + layer + " and may use only lower layers")
                .allowEmptyShould(true);
    }

    /** The rule's violations, each with the rule that says why it is one. */
    private static List<String> failures(ArchRule rule, JavaClasses classes) {
        EvaluationResult result = rule.evaluate(classes);
        return result.getFailureReport().getDetails().stream()
                .map(d -> d + "\n    breaks: " + rule.getDescription())
                .toList();
    }

    private static void check(ArchRule rule) {
        List<String> found = failures(rule, main);
        assertTrue(found.isEmpty(), String.join("\n", found));
    }

    private static String[] packages(String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = BASE + names[i] + "..";
        }
        return out;
    }

    private static String[] concat(String[] a, String b) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
