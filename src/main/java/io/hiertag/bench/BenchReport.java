package io.hiertag.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One bench run: the machine, the settings and every figure (a)–(i) with the headline ratios. Written as JSON
 * (all fields) and as a Markdown table.
 *
 * @param loadAfter the load averages when the run ended; with {@link MachineInfo#loadBefore()} they say whether
 *     other processes competed for the cores
 */
public record BenchReport(String run, String startedAt, double seconds, MachineInfo machine, String loadAfter,
        Map<String, Object> settings, Model model, List<ModelLimit.Rate> modelLimit,
        FirstPassThroughput.Result firstPass,
        PipelineRun.Throughput pipeline, Percentiles rescoreMicros, PipelineRun.Latency latency, Startups startup,
        MemoryWatch.Peaks memory, Stages stages, Efficiency efficiency, PilComparison.Result pil) {

    /** The measured model: its id, input size and cost per image (NaN for a model folder, whose is not known). */
    record Model(String id, int imageSize, int embeddingSize, double imageGflops, double textMflopsPerText) {}

    /** (f) A start with an empty text-embedding cache, and one with the cache the first start wrote. */
    record Startups(PipelineRun.Startup cold, PipelineRun.Startup warm) {}

    /**
     * (h) Stage costs in µs per image, their sum, and the first pass's wall time per image beyond the model's
     * own forward passes (what parallel decoding and fewer copies shrink).
     */
    record Stages(Map<String, Double> microsPerImage, double totalMicros, double firstPassOverheadMicros,
            double pipelinedOverheadMicros) {}

    /**
     * The headline ratios at the application's batch size: images per second × forward passes per image, over the
     * bare tower's forward passes per second at that batch size (measured interleaved with the first pass); the
     * same per CPU second, which other processes on the machine disturb far less.
     */
    record Efficiency(int batch, int forwardPassesPerImage, ModelLimit.Rate limit, double firstPass,
            double pipeline, double firstPassCpu, double pipelineCpu) {}

    /** Writes {@code bench-<run>.json} and {@code bench-<run>.md} into a folder (created if missing). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench-" + run + ".json"), json());
        Files.writeString(dir.resolve("bench-" + run + ".md"), markdown());
    }

    public String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the bench report cannot be written as JSON", e);
        }
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# hiertag bench (").append(run).append(" run, ").append(startedAt).append(")\n\n");
        md.append("| machine | |\n|---|---|\n");
        row(md, "CPU", machine.cpu() + ", " + machine.cores() + " cores");
        row(md, "RAM", machine.ramMb() + " MiB");
        row(md, "OS", machine.os());
        row(md, "JVM", machine.jvm());
        row(md, "load average (1/5/15 min) before / after", machine.loadBefore() + " / " + loadAfter);
        md.append("\n| settings | |\n|---|---|\n");
        settings.forEach((k, v) -> row(md, k, String.valueOf(v)));
        row(md, "model", Double.isNaN(model.imageGflops())
                ? String.format(Locale.ROOT, "%s: %d×%d input, embedding %d (a model folder: its cost per image is "
                        + "not known here)", model.id(), model.imageSize(), model.imageSize(), model.embeddingSize())
                : String.format(Locale.ROOT, "%s: %d×%d input, %.2f GFLOP per image (image tower), embedding %d, "
                        + "text tower %.1f MFLOP per 16-token text", model.id(), model.imageSize(),
                        model.imageSize(), model.imageGflops(), model.embeddingSize(), model.textMflopsPerText()));
        md.append("\n| figure | value |\n|---|---|\n");
        for (ModelLimit.Rate r : modelLimit) {
            row(md, "(a) image tower alone, batch " + r.batch(), rate(r));
        }
        row(md, "(a) image tower alone, batch " + efficiency.batch() + ", interleaved with (b)",
                rate(efficiency.limit()));
        row(md, "(b) first pass without Kafka", f("%.2f images/s (%.2f per CPU-s)", firstPass.imagesPerSecond(),
                firstPass.imagesPerCpuSecond()));
        row(md, "(c) whole application, exactly-once, " + pipeline.images() + " images published ahead",
                f("%.2f images/s (%.2f per CPU-s; %.1f s; %d dead letters)", pipeline.imagesPerSecond(),
                        pipeline.imagesPerCpuSecond(), pipeline.seconds(), pipeline.deadLetters()));
        ThreadCpu.Profile cpu = pipeline.cpuMsPerImage();
        row(md, "(c) CPU per image: application / in-JVM broker / harness / JIT compiler", f(
                "%.1f / %.1f / %.1f / %.1f ms", cpu.application(), cpu.broker(), cpu.harness(), cpu.jit()));
        cpu.byGroup().forEach((group, ms) -> row(md, "(c) CPU per image: " + group.replace("|", "/"),
                f("%.1f ms", ms)));
        row(md, "(d) rescoring per uncertain image, warm cache", f("p50 %.1f µs, p99 %.1f µs (%d calls)",
                rescoreMicros.p50(), rescoreMicros.p99(), rescoreMicros.count()));
        row(md, "(e) latency at " + f("%.2f", latency.rate()) + " images/s (" + latency.images() + " images)",
                f("p50 %.0f ms, p95 %.0f ms, p99 %.0f ms", latency.ms().p50(), latency.ms().p95(),
                        latency.ms().p99()));
        row(md, "(f) start-up to first tag, cold cache", f("%.1f s (%d texts through the text tower)",
                startup.cold().seconds(), startup.cold().textsEmbedded()));
        row(md, "(f) start-up to first tag, warm cache", f("%.1f s (%d texts through the text tower)",
                startup.warm().seconds(), startup.warm().textsEmbedded()));
        row(md, "(g) peak heap / peak RSS", f("%d MiB of %d MiB / %d MiB", memory.heapMb(), memory.heapMaxMb(),
                memory.rssMb()));
        stages.microsPerImage().forEach((stage, us) -> row(md, "(h) " + stage, f("%.1f µs per image", us)));
        row(md, "(h) total non-model CPU per image", f("%.0f µs", stages.totalMicros()));
        row(md, "(h) first-pass wall time per image beyond the forward passes: one batch after the other / "
                + "pipelined (batch.pipeline)", f("%.0f µs / %.0f µs", stages.firstPassOverheadMicros(),
                        stages.pipelinedOverheadMicros()));
        row(md, f("**first-pass efficiency** (b)×%d/(a) at batch %d", efficiency.forwardPassesPerImage(),
                efficiency.batch()), f("**%.3f** (per CPU-s: %.3f)", efficiency.firstPass(),
                        efficiency.firstPassCpu()));
        row(md, f("**pipeline efficiency** (c)×%d/(a) at batch %d", efficiency.forwardPassesPerImage(),
                efficiency.batch()), f("**%.3f** (per CPU-s: %.3f)", efficiency.pipeline(),
                        efficiency.pipelineCpu()));
        for (PilComparison.Size size : pil.sizes()) {
            row(md, "(i) decode + preprocess, one thread, " + size.photos(), f("hiertag %.2f ms (decode %.2f), PIL "
                    + "%.2f ms (decode %.2f): **%.2f×** PIL's time", size.hiertagMs(), size.hiertagDecodeMs(),
                    size.pilMs(), size.pilDecodeMs(), size.ratio()));
        }
        row(md, "(i) fast decoding's crops against the exact ones", f("at most %d levels apart, %.2f on average",
                pil.fastDecode().maxLevels(), pil.fastDecode().meanLevels()));
        row(md, "(i) reference", pil.reference());
        md.append("\nRun time: ").append(f("%.0f s", seconds)).append(".\n");
        return md.toString();
    }

    private static String rate(ModelLimit.Rate r) {
        return f("%.1f forward passes/s (%.1f per CPU-s; %.0f ms per batch, %d calls)", r.passesPerSecond(),
                r.passesPerCpuSecond(), r.msPerBatch(), r.calls());
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
