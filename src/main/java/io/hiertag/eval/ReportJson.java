package io.hiertag.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Writes {@code report.json}. A number that is undefined (NaN, e.g. accuracy of an empty set) is null. */
public final class ReportJson {

    // The report's records hold primitive doubles, which Jackson looks up by Double.TYPE, not Double.class.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule()
                    .addSerializer(Double.TYPE, new NanAsNull())
                    .addSerializer(Double.class, new NanAsNull()));

    private ReportJson() {
    }

    public static void write(EvaluationReport report, Path file) {
        try {
            MAPPER.writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** JSON has no NaN; Jackson would write the string "NaN", which readers then take for text. */
    private static final class NanAsNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (value.isNaN() || value.isInfinite()) {
                gen.writeNull();
            } else {
                gen.writeNumber(value);
            }
        }
    }
}
