package io.hiertag.streams;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The disk-full test's negative control: {@link ProcessingDeadLetterHandler}, except that where it fails the task
 * (the first pass, the metrics) this one resumes, as the handler did before issue 12 (which also wrote a dead
 * letter there; this one writes none). Given to the child application with
 * {@code --set kafka.processing.exception.handler=}.
 */
public final class ResumingProcessingHandler implements ProcessingExceptionHandler {

    private final ProcessingDeadLetterHandler handler = new ProcessingDeadLetterHandler();

    @Override
    public void configure(Map<String, ?> configs) {
        handler.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response r = handler.handleError(context, record, exception);
        return r.result() == Result.FAIL ? Response.resume() : r;
    }
}
