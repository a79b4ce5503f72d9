package io.hiertag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hiertag.eval.EvaluationReport.AccuracyRow;
import io.hiertag.eval.EvaluationReport.CurvePoint;
import io.hiertag.eval.EvaluationReport.SelectiveScore;
import io.hiertag.eval.EvaluationReport.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportJsonTest {

    @Test
    void undefinedNumbersAreWrittenAsNullAndDefinedOnesAsNumbers(@TempDir Path dir) throws Exception {
        EvaluationReport report = new EvaluationReport(new Setup("m@1", "l", 3, "in", 0, 0, 0, "discrete", 1.5,
                Double.NaN, List.of(), "t"), List.of(new AccuracyRow("name", "class name only", 0, Double.NaN, 0.25)),
                List.of(), List.of(), List.of(new SelectiveScore("S_T", Double.POSITIVE_INFINITY,
                        List.of(new CurvePoint(0, Double.NaN)))), List.of(), Map.of());
        Path file = dir.resolve("report.json");
        ReportJson.write(report, file);
        String text = Files.readString(file);
        assertFalse(text.contains("NaN") || text.contains("Infinity"), text);
        JsonNode json = new ObjectMapper().readTree(text);
        assertTrue(json.at("/setup/millisPerImage").isNull(), text);
        assertTrue(json.at("/all/0/top1").isNull(), text);
        assertTrue(json.at("/selective/0/auroc").isNull(), text);
        assertTrue(json.at("/selective/0/curve/0/accuracy").isNull(), text);
        assertEquals(0.25, json.at("/all/0/top5").doubleValue());
        assertEquals(1.5, json.at("/setup/seconds").doubleValue());
        assertTrue(json.at("/all/0/top5").isNumber() && json.at("/selective/0/curve/0/abstention").isNumber(), text);
    }
}
