package io.hiertag.bench;

import io.hiertag.model.SavedModelDualEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * (a) The limit: bare image-tower forward passes per second, on preprocessed photos already in memory, at
 * several batch sizes. Each size gets one untimed call first (TensorFlow sets up per shape).
 */
final class ModelLimit {

    /** @param passesPerSecond images through the image tower per wall-clock second */
    record Rate(int batch, double passesPerSecond, double passesPerCpuSecond, double msPerBatch, int calls) {
        static Rate of(int batch, int calls, Clocks time) {
            return new Rate(batch, calls * batch / time.wallSeconds(), calls * batch / time.cpuSeconds(),
                    1000 * time.wallSeconds() / calls, calls);
        }
    }

    private final SavedModelDualEncoder encoder;
    private final float[] input;

    /** @param photoPixels preprocessed photos, cycled to fill the largest batch */
    ModelLimit(SavedModelDualEncoder encoder, float[] photoPixels, int photos, int largestBatch) {
        this.encoder = encoder;
        int perImage = encoder.contract().image().preprocessor().floatsPerImage();
        input = new float[largestBatch * perImage];
        for (int i = 0; i < largestBatch; i++) {
            System.arraycopy(photoPixels, (i % photos) * perImage, input, i * perImage, perImage);
        }
    }

    /** One forward pass of a batch; returns its time. */
    Clocks call(int batch) {
        Clocks t0 = Clocks.now();
        encoder.embedImages(input, batch);
        return t0.elapsed();
    }

    List<Rate> sweep(List<Integer> batches, Duration budget) {
        List<Rate> rates = new ArrayList<>();
        for (int batch : batches) {
            call(batch);
            int calls = 0;
            Clocks total = new Clocks(0, 0);
            while (total.wallNanos() < budget.toNanos() || calls < 2) {
                total = total.plus(call(batch));
                calls++;
            }
            rates.add(Rate.of(batch, calls, total));
        }
        return rates;
    }
}
