package io.hiertag.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.streams.TestModels;
import io.hiertag.testmodel.TestModelVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The harness end to end on the small test model with tiny counts: it runs, and the report holds every figure
 * (a)–(h) and the ratios. Nothing is timed: only presence, counts and the warm start's skipped text tower.
 */
class BenchRunnerTest {

    @TempDir
    Path dir;

    /** On the test model exported for the run, and on a model folder as it is ({@code bench --model}). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void producesEveryFigureInTheJsonReport(boolean folder) throws Exception {
        BenchOptions tiny = new BenchOptions("smoke", TestModelVariant.TEST, 4, List.of(1, 4), Duration.ZERO, 8, 4, 8,
                Duration.ofSeconds(1), 0.5, 5, 20, 3, Duration.ZERO);
        Path work = dir.resolve("work");
        BenchRunner runner = folder ? BenchRunner.onFolder(tiny, work, TestModels.testModel(), System.err)
                : new BenchRunner(tiny, work, dir.resolve("exported"), System.err);
        BenchReport report = runner.run();
        report.write(dir.resolve("out"));
        String model = report.markdown().lines().filter(l -> l.startsWith("| model |")).findFirst().orElseThrow();
        assertEquals(folder, model.contains("its cost per image is not known here"), model);
        assertEquals(!folder, Files.isRegularFile(dir.resolve("exported/hiertag-model.json")), "exported when asked");

        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("out/bench-smoke.json")));
        assertTrue(json.get("machine").get("cores").asInt() > 0);
        assertEquals(2, json.get("modelLimit").size(), "(a)");
        json.get("modelLimit").forEach(r -> assertTrue(r.get("passesPerSecond").asDouble() > 0, "(a) " + r));
        assertTrue(json.get("firstPass").get("imagesPerSecond").asDouble() > 0, "(b)");
        assertTrue(json.get("efficiency").get("limit").get("passesPerCpuSecond").asDouble() > 0, "(a) interleaved");
        assertEquals(8, json.get("pipeline").get("images").asInt(), "(c)");
        assertEquals(0, json.get("pipeline").get("deadLetters").asInt(), "(c)");
        assertEquals(20, json.get("rescoreMicros").get("count").asInt(), "(d)");
        assertTrue(json.get("latency").get("images").asInt() >= 1, "(e)");
        assertTrue(json.get("latency").get("ms").has("p99"), "(e)");
        assertTrue(json.get("startup").get("cold").get("textsEmbedded").asInt() > 0, "(f) cold");
        assertEquals(0, json.get("startup").get("warm").get("textsEmbedded").asInt(),
                "(f) a warm start must not run the text tower");
        assertTrue(json.get("memory").get("heapMb").asLong() > 0, "(g)");
        assertTrue(json.get("memory").has("rssMb"), "(g)");
        JsonNode stages = json.get("stages").get("microsPerImage");
        for (String stage : List.of(StageCosts.AVRO, StageCosts.DECODE, StageCosts.RESIZE_CROP, StageCosts.HEADS,
                StageCosts.CONSISTENCY, StageCosts.RESCORING, StageCosts.BATCH_BUFFER)) {
            assertTrue(stages.has(stage), "(h) " + stage);
        }
        assertTrue(json.get("firstPass").get("pipelinedImagesPerSecond").asDouble() > 0, "(h) pipelined");
        assertTrue(json.get("stages").has("pipelinedOverheadMicros"), "(h) pipelined");
        assertEquals(2, json.get("efficiency").get("forwardPassesPerImage").asInt());
        assertTrue(json.get("efficiency").get("pipeline").asDouble() > 0);
        assertTrue(Files.readString(dir.resolve("out/bench-smoke.md")).contains("pipeline efficiency"));
        JsonNode pil = json.get("pil");
        assertEquals(3, pil.get("sizes").size(), "(i) both photo sizes, and the large ones with fast decoding");
        assertTrue(pil.get("fastDecode").get("meanLevels").asDouble() > 0, "(i) fast decoding changes pixels");
        pil.get("sizes").forEach(size -> assertTrue(size.get("hiertagMs").asDouble() > 0, "(i) " + size));
        if (System.getenv("CI") != null || Files.isExecutable(PilComparison.PYTHON)) {
            assertTrue(pil.get("reference").asText().startsWith("Pillow"), "(i) PIL ran: " + pil);
            pil.get("sizes").forEach(size -> assertTrue(size.get("ratio").asDouble() > 0, "(i) " + size));
        }
    }
}
